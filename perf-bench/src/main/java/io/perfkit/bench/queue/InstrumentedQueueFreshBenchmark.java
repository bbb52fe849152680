package io.perfkit.bench.queue;

import java.util.Queue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Control;

/**
 * Message passing with freshly written messages: the producer writes a sequence number into one
 * of 4096 distinct message objects and offers it, the consumer polls it and hands the reference on
 * without reading it (as a dispatcher or a batcher does). The message's cache line is then in the
 * producer's cache, so a wrapper that inspects each polled element (session 1's {@code holder-v1},
 * whose poll type-checks it) takes a cross-core miss per message that the bare queue, {@code
 * perfkit-instrumented} ({@code Queues.instrumentedSpsc}, counting inside the queue) and {@code
 * perfkit-wrapper} ({@code Queues.instrumented}) do not: neither touches elements. Same retry
 * loop and back-off as {@link QueueTransferHarness} (yield every 64th failure). Ratio
 * perfkit-instrumented / bare: target at least 0.9.
 *
 * <pre>
 * java -cp perf-bench/target/benchmarks.jar org.openjdk.jmh.Main InstrumentedQueueFreshBenchmark \
 *   -p impl=perfkit-instrumented,perfkit-wrapper,holder-v1,bare
 * </pre>
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class InstrumentedQueueFreshBenchmark {
  private static final int MESSAGES = 4096;

  /** A small mutable message: its header and payload share a cache line. */
  static final class Message {
    long sequence;
  }

  /** Also accepts {@code perfkit-wrapper} and {@code holder-v1} (left out of the default run). */
  @Param({"perfkit-instrumented", "bare"})
  String impl;

  Queue<Message> queue;
  Message[] messages;

  /** Producer-private cursor over the messages. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class ProducerState {
    public long offersFailed;
    long next;

    @Setup(Level.Iteration)
    public void clear() {
      offersFailed = 0;
    }
  }

  /** Polls that found the queue empty. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class ConsumerState {
    public long pollsFailed;

    @Setup(Level.Iteration)
    public void clear() {
      pollsFailed = 0;
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    messages = new Message[MESSAGES];
    for (int i = 0; i < MESSAGES; i++) {
      messages[i] = new Message();
    }
    queue = QueueKind.instrumented(impl, "spsc", QueueTransferHarness.CAPACITY);
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
  public void offer(Control control, ProducerState producer) {
    long sequence = producer.next++;
    Message message = messages[(int) sequence & (MESSAGES - 1)];
    message.sequence = sequence; // the producer writes the message before passing it on
    while (!queue.offer(message)) {
      if ((++producer.offersFailed & QueueTransferHarness.BACKOFF_MASK) == 0) {
        if (control.stopMeasurement) {
          return;
        }
        Thread.yield();
      }
    }
  }

  @Benchmark
  @Group("transfer")
  @GroupThreads(1)
  public Message poll(Control control, ConsumerState consumer) {
    Message message;
    while ((message = queue.poll()) == null) {
      if ((++consumer.pollsFailed & QueueTransferHarness.BACKOFF_MASK) == 0) {
        if (control.stopMeasurement) {
          return null;
        }
        Thread.yield();
      }
    }
    return message; // handed on unread
  }
}
