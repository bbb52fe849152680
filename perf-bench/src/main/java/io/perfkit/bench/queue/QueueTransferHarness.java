package io.perfkit.bench.queue;

import java.util.Queue;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Control;

/**
 * The producer/consumer harness shared by the queue throughput benchmarks ({@link
 * SpscThroughputBenchmark}, {@link MpscThroughputBenchmark}, {@link InstrumentedQueueBenchmark}):
 * group {@code transfer}, one producer thread offers and one consumer thread polls through {@link
 * #queue}. Each invocation retries until it succeeds (or the iteration ends), so the primary score
 * is successful offers plus successful polls; every 64th failure yields the core (the same for
 * every implementation). Failed attempts go to the {@code offersFailed}/{@code pollsFailed} aux
 * counters and never inflate the score.
 *
 * <p>A subclass declares its {@code @Param impl}, its run settings, and an {@code @Setup(Trial)}
 * that assigns {@link #queue}; JMH generates the inherited {@code @Benchmark} methods under the
 * subclass's name.
 */
@State(Scope.Group)
public abstract class QueueTransferHarness {
  static final int CAPACITY = 1 << 14;
  static final Integer ITEM = 1;
  /** Every 64th failure yields, the same for every implementation. */
  static final int BACKOFF_MASK = 63;

  /** The queue under test; assigned by the subclass's trial setup. */
  Queue<Integer> queue;

  /** Offers that found the queue full. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class OfferCounters {
    public long offersFailed;

    @Setup(Level.Iteration)
    public void clear() {
      offersFailed = 0;
    }
  }

  /** Polls that found the queue empty. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class PollCounters {
    public long pollsFailed;

    @Setup(Level.Iteration)
    public void clear() {
      pollsFailed = 0;
    }
  }

  @TearDown(Level.Iteration)
  public void emptyQueue() {
    while (queue.poll() != null) {
      // start every iteration from an empty queue
    }
  }

  @Benchmark
  @Group("transfer")
  @GroupThreads(1)
  public void offer(Control control, OfferCounters counters) {
    while (!queue.offer(ITEM)) {
      if ((++counters.offersFailed & BACKOFF_MASK) == 0) {
        if (control.stopMeasurement) {
          return;
        }
        Thread.yield(); // give the consumer the core if the machine is oversubscribed
      }
    }
  }

  @Benchmark
  @Group("transfer")
  @GroupThreads(1)
  public Integer poll(Control control, PollCounters counters) {
    Integer item;
    while ((item = queue.poll()) == null) {
      if ((++counters.pollsFailed & BACKOFF_MASK) == 0) {
        if (control.stopMeasurement) {
          return null;
        }
        Thread.yield(); // give the producer the core if the machine is oversubscribed
      }
    }
    return item;
  }
}
