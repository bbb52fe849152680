package io.perfkit.bench.queue;

import io.perfkit.core.queue.IdleStrategy;
import io.perfkit.core.queue.Queues;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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
 * Blocking hand-off: one producer thread puts, one consumer thread takes, through a bounded queue
 * of 1024. Score: puts plus takes per microsecond (twice the transfer rate).
 *
 * <p>Both sides wait when they must, on the blocking path of put/take. So that neither is left
 * blocked forever when JMH ends an iteration (the other side has stopped), the wait is the timed
 * form ({@code offer(e, 10 ms)}/{@code poll(10 ms)}) retried until the iteration ends: in the
 * adapter, {@code ArrayBlockingQueue} and {@code LinkedBlockingQueue} alike, the timed form shares
 * put/take's fast path and waiting code, with a deadline.
 *
 * <p>{@code perfkit-blocking}: {@code Queues.blocking(Queues.spsc(1024))} with the default wait
 * (256 spin hints, then park); {@code perfkit-blocking-park}: the same with no idle rounds
 * (park at once, like the JDK's queues). Peers: {@code abq}, {@code lbq}.
 *
 * <pre>
 * java -cp perf-bench/target/benchmarks.jar org.openjdk.jmh.Main BlockingPutTakeBenchmark
 * </pre>
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class BlockingPutTakeBenchmark {
  static final int CAPACITY = 1024;
  static final Integer ITEM = 1;

  @Param({"perfkit-blocking", "perfkit-blocking-park", "abq", "lbq"})
  String impl;

  BlockingQueue<Integer> queue;

  @Setup(Level.Trial)
  public void setUp() {
    switch (impl) {
      case "perfkit-blocking":
        queue = Queues.blocking(Queues.<Integer>spsc(CAPACITY));
        break;
      case "perfkit-blocking-park":
        queue = Queues.blocking(Queues.<Integer>spsc(CAPACITY), IdleStrategy::noOp, 0);
        break;
      case "abq":
        queue = new ArrayBlockingQueue<>(CAPACITY);
        break;
      case "lbq":
        queue = new LinkedBlockingQueue<>(CAPACITY);
        break;
      default:
        throw new IllegalArgumentException("impl: " + impl);
    }
  }

  @TearDown(Level.Iteration)
  public void emptyQueue() {
    queue.clear();
  }

  @Benchmark
  @Group("putTake")
  @GroupThreads(1)
  public void put(Control control) throws InterruptedException {
    while (!queue.offer(ITEM, 10, TimeUnit.MILLISECONDS)) {
      if (control.stopMeasurement) {
        return;
      }
    }
  }

  @Benchmark
  @Group("putTake")
  @GroupThreads(1)
  public Integer take(Control control) throws InterruptedException {
    Integer item;
    while ((item = queue.poll(10, TimeUnit.MILLISECONDS)) == null) {
      if (control.stopMeasurement) {
        return null;
      }
    }
    return item;
  }
}
