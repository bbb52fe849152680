package io.perfkit.bench.queue;

import java.util.concurrent.TimeUnit;
import org.jctools.queues.MessagePassingQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Consumer-side cost of {@code drain(consumer, limit)} against a {@code poll()} loop on an SPSC
 * queue kept non-empty by a background producer thread (started per iteration, offering as fast as
 * it can). Each invocation consumes exactly {@value #BATCH} elements, so the score is elements per
 * microsecond. Compares {@code perfkit} ({@code Queues.spsc}) with JCTools' Unsafe {@code
 * SpscArrayQueue} ({@code jctools-unsafe}).
 *
 * <pre>
 * java -cp perf-bench/target/benchmarks.jar org.openjdk.jmh.Main DrainBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class DrainBenchmark {
  static final int BATCH = 256;
  static final int CAPACITY = 1 << 14;
  static final Integer ITEM = 1;

  @Param({"perfkit", "jctools-unsafe"})
  String impl;

  MessagePassingQueue<Integer> queue;
  MessagePassingQueue.Consumer<Integer> sink;
  volatile boolean producing;
  Thread producer;

  @Setup(Level.Trial)
  public void setUp(Blackhole blackhole) {
    queue =
        impl.equals("perfkit")
            ? io.perfkit.core.queue.Queues.spsc(CAPACITY)
            : new org.jctools.queues.SpscArrayQueue<>(CAPACITY);
    sink = blackhole::consume;
  }

  @Setup(Level.Iteration)
  public void startProducer() {
    producing = true;
    producer =
        new Thread(
            () -> {
              int failures = 0;
              while (producing) {
                if (!queue.offer(ITEM) && (++failures & 63) == 0) {
                  Thread.yield(); // let the consumer run on an oversubscribed machine
                }
              }
            },
            "drain-benchmark-producer");
    producer.setDaemon(true);
    producer.start();
  }

  @TearDown(Level.Iteration)
  public void stopProducer() throws InterruptedException {
    producing = false;
    producer.join();
    queue.clear();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int drain() {
    int consumed = 0;
    int empty = 0;
    while (consumed < BATCH) {
      int got = queue.drain(sink, BATCH - consumed);
      consumed += got;
      if (got == 0 && (++empty & 63) == 0) {
        Thread.yield(); // same backoff as the producer
      }
    }
    return consumed;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int poll(Blackhole blackhole) {
    int consumed = 0;
    int empty = 0;
    while (consumed < BATCH) {
      Integer item = queue.poll();
      if (item != null) {
        blackhole.consume(item);
        consumed++;
      } else if ((++empty & 63) == 0) {
        Thread.yield(); // same backoff as the producer
      }
    }
    return consumed;
  }
}
