package io.perfkit.core.queue;

import io.perfkit.core.metrics.LatencyRecorder;
import java.util.List;
import java.util.function.IntFunction;
import org.jctools.queues.MessagePassingQueue;

/** Every queue the factory hands out, by name, for parameterised tests. */
final class QueueKinds {
  private QueueKinds() {}

  /**
   * A named queue maker with the threading the queue allows. {@code exactFill}: {@code fill}
   * inserts min(limit, free slots). JCTools' linked-chunk queues may stop a fill at a chunk end,
   * and its MPSC array queue at its cached producer limit.
   */
  record Kind(String name, IntFunction<MessagePassingQueue<Integer>> maker, boolean bounded,
      int maxProducers, int maxConsumers, boolean exactFill) {
    MessagePassingQueue<Integer> create(int capacity) {
      return maker.apply(capacity);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static final Kind SPSC = new Kind("spsc", Queues::spsc, true, 1, 1, true);
  static final Kind MPSC = new Kind("mpsc", Queues::mpsc, true, 4, 1, false);
  static final Kind MPMC = new Kind("mpmc", Queues::mpmc, true, 4, 4, true);
  static final Kind MPSC_CHUNKED =
      new Kind("mpscChunked", c -> Queues.mpscChunked(2, Math.max(4, c)), true, 4, 1, false);
  static final Kind MPSC_UNBOUNDED =
      new Kind("mpscUnbounded", c -> Queues.mpscUnbounded(4), false, 4, 1, false);
  static final Kind OWN_SPSC =
      new Kind("own spsc", c -> new io.perfkit.core.queue.internal.SpscArrayQueue<>(pow2(c, 1)),
          true, 1, 1, true);
  static final Kind OWN_MPSC =
      new Kind("own mpsc", c -> new io.perfkit.core.queue.internal.MpscArrayQueue<>(pow2(c, 2)),
          true, 4, 1, true);
  static final Kind INSTRUMENTED_SPSC =
      new Kind("instrumented(spsc)", c -> Queues.instrumented(Queues.<Integer>spsc(c)), true, 1, 1, true);
  static final Kind INSTRUMENTED_MPMC =
      new Kind("instrumented(mpmc)", c -> Queues.instrumented(Queues.<Integer>mpmc(c)), true, 4, 4, true);

  /* Sampling every position exercises the stamping paths on every operation. */
  static final Kind INSTRUMENTED_SPSC_EVERY =
      new Kind("instrumented(spsc, every)", c -> Queues.instrumented(Queues.<Integer>spsc(c), 1,
          LatencyRecorder.create()), true, 1, 1, true);
  static final Kind INSTRUMENTED_MPSC_EVERY =
      new Kind("instrumented(mpsc, every)", c -> Queues.instrumented(Queues.<Integer>mpsc(c), 1,
          LatencyRecorder.create()), true, 4, 1, false);
  static final Kind INSTRUMENTED_MPMC_EVERY =
      new Kind("instrumented(mpmc, every)", c -> Queues.instrumented(Queues.<Integer>mpmc(c), 1,
          LatencyRecorder.create()), true, 4, 4, true);

  /* The queues that count inside themselves, with default sampling and timing every position. */
  static final Kind INSTRUMENTED_OWN_SPSC =
      new Kind("instrumentedSpsc", Queues::instrumentedSpsc, true, 1, 1, true);
  static final Kind INSTRUMENTED_OWN_MPSC =
      new Kind("instrumentedMpsc", Queues::instrumentedMpsc, true, 4, 1, true);
  static final Kind INSTRUMENTED_OWN_SPSC_EVERY =
      new Kind("instrumentedSpsc(every)", c -> Queues.instrumentedSpsc(c, 1, LatencyRecorder.create()),
          true, 1, 1, true);
  static final Kind INSTRUMENTED_OWN_MPSC_EVERY =
      new Kind("instrumentedMpsc(every)", c -> Queues.instrumentedMpsc(c, 1, LatencyRecorder.create()),
          true, 4, 1, true);

  static List<Kind> all() {
    return List.of(
        SPSC, MPSC, MPMC, MPSC_CHUNKED, MPSC_UNBOUNDED, OWN_SPSC, OWN_MPSC, INSTRUMENTED_SPSC,
        INSTRUMENTED_MPMC, INSTRUMENTED_SPSC_EVERY, INSTRUMENTED_MPSC_EVERY, INSTRUMENTED_MPMC_EVERY,
        INSTRUMENTED_OWN_SPSC, INSTRUMENTED_OWN_MPSC, INSTRUMENTED_OWN_SPSC_EVERY,
        INSTRUMENTED_OWN_MPSC_EVERY);
  }

  private static int pow2(int requested, int minimum) {
    int p = requested <= 1 ? 1 : Integer.highestOneBit(requested - 1) << 1;
    return Math.max(p, minimum);
  }

  static List<Kind> bounded() {
    return all().stream().filter(Kind::bounded).toList();
  }
}
