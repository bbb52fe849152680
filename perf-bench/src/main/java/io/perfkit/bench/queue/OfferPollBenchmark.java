package io.perfkit.bench.queue;

import java.util.Queue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The cost of the queue operations themselves, without a second thread: one thread offers and
 * polls. This is the "offer+poll" comparison with {@code ArrayBlockingQueue} that issue #2's
 * "≥ 10× ArrayBlockingQueue offer+poll" target names: an uncontended {@code ArrayBlockingQueue}
 * still takes and releases its lock (a CAS and a release store, plus a condition check) on every
 * call, where a lock-free queue does one or two plain/ordered accesses. The two-thread transfer
 * ({@link SpscThroughputBenchmark}, {@link MpscThroughputBenchmark}) measures the hand-over between
 * cores instead, where {@code ArrayBlockingQueue}'s unfair lock lets one thread fill or drain long
 * runs alone and the cross-core transfer bounds every queue.
 *
 * <ul>
 *   <li>{@code offerPoll}: one offer, then one poll (the queue holds at most one element); a score
 *       is offer+poll pairs per µs.
 *   <li>{@code burst}: 32 offers, then 32 polls, so the consumer's reads miss the producer's
 *       just-written slots less trivially and the queue's index caching works across a run; a
 *       score is offer+poll pairs per µs ({@code @OperationsPerInvocation(32)}).
 * </ul>
 *
 * <p>{@code kind} = {@code spsc} or {@code mpsc} (16 Ki slots); {@code impl} = {@code perfkit}
 * ({@code Queues.spsc}/{@code Queues.mpsc}), {@code jctools-unsafe} (JCTools' {@code
 * SpscArrayQueue}/{@code MpscArrayQueue}) or {@code abq} ({@code ArrayBlockingQueue}).
 *
 * <pre>
 * java -cp perf-bench/target/benchmarks.jar org.openjdk.jmh.Main OfferPollBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class OfferPollBenchmark {
  private static final Integer ITEM = 1;
  private static final int BURST = 32;

  @Param({"perfkit", "jctools-unsafe", "abq"})
  String impl;

  /** The queue's kind: {@code spsc} or {@code mpsc} (used by one thread here). */
  @Param({"spsc", "mpsc"})
  String kind;

  Queue<Integer> queue;

  @Setup
  public void setUp() {
    switch (kind) {
      case "spsc":
        queue = QueueKind.spsc(impl, QueueTransferHarness.CAPACITY);
        break;
      case "mpsc":
        queue = QueueKind.mpsc(impl, QueueTransferHarness.CAPACITY);
        break;
      default:
        throw new IllegalArgumentException("kind: " + kind);
    }
  }

  /** One offer and one poll. */
  @Benchmark
  public Integer offerPoll() {
    queue.offer(ITEM);
    return queue.poll();
  }

  /** {@value #BURST} offers, then {@value #BURST} polls. */
  @Benchmark
  @OperationsPerInvocation(BURST)
  public void burst(Blackhole bh) {
    Queue<Integer> q = queue;
    for (int i = 0; i < BURST; i++) {
      q.offer(ITEM);
    }
    for (int i = 0; i < BURST; i++) {
      bh.consume(q.poll());
    }
  }
}
