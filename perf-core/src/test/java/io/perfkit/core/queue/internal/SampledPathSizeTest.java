package io.perfkit.core.queue.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.perfkit.core.metrics.LatencyRecorder;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

/**
 * Keeps the instrumented MPSC queue's sampled paths out of line: C2 never inlines a method whose
 * bytecode is larger than {@code FreqInlineSize} (325 bytes, the default on x86-64 and AArch64),
 * however hot its call site's profile, and inlined into the hot loop these paths cost 0.4–0.8 ns
 * per one-thread offer+poll (docs/benchmarks/queues.md, session 5). An edit that shrinks either
 * method below the limit fails here instead of slowing one JVM in four. The size comes from
 * assertions that check the stamp hand-off's invariants; the last two tests show they run here.
 */
class SampledPathSizeTest {
  /** C2's FreqInlineSize default (x86-64, AArch64; JDK 17 to 25). */
  private static final int FREQ_INLINE_SIZE = 325;

  @Test
  void publishSampled_isLargerThanFreqInlineSize() {
    assertLargerThanFreqInlineSize(InstrumentedMpscArrayQueue.class, "publishSampled");
  }

  @Test
  void takeSampled_isLargerThanFreqInlineSize() {
    assertLargerThanFreqInlineSize(InstrumentedMpscArrayQueue.class, "takeSampled");
  }

  /** Session 7: the SPSC's sampled paths, inlined, put one JVM in three in a slow mode too. */
  @Test
  void spscStampSampled_isLargerThanFreqInlineSize() {
    assertLargerThanFreqInlineSize(InstrumentedSpscArrayQueue.class, "stampSampled");
  }

  @Test
  void spscTakeSampled_isLargerThanFreqInlineSize() {
    assertLargerThanFreqInlineSize(InstrumentedSpscArrayQueue.class, "takeSampled");
  }

  /** The methods' size comes from assertions that check real invariants: the tests run them. */
  @Test
  void assertions_areEnabledInTests() {
    assertTrue(
        InstrumentedMpscArrayQueue.class.desiredAssertionStatus()
            && InstrumentedSpscArrayQueue.class.desiredAssertionStatus(),
        "the sampled paths' invariant checks only run with -ea (Surefire's default)");
  }

  @Test
  void publishSampled_unclaimedPosition_failsItsAssertion() throws ReflectiveOperationException {
    var queue = new InstrumentedMpscArrayQueue<String>(8, 4, LatencyRecorder.create());
    Method publishSampled =
        InstrumentedMpscArrayQueue.class.getDeclaredMethod("publishSampled", long.class, Object.class);
    publishSampled.setAccessible(true);
    // position 4 is sampled (interval 4) but no producer claimed it: producerIndex is 0
    InvocationTargetException thrown =
        assertThrows(InvocationTargetException.class, () -> publishSampled.invoke(queue, 4L, "x"));
    assertInstanceOf(AssertionError.class, thrown.getCause());
    assertEquals("position 4 is not claimed (producerIndex 0)", thrown.getCause().getMessage());
  }

  private static void assertLargerThanFreqInlineSize(Class<?> type, String method) {
    int size = Javap.bytecodeSize(type, method);
    assertTrue(
        size > FREQ_INLINE_SIZE,
        method + ": " + size + " bytes of bytecode (expected: > " + FREQ_INLINE_SIZE + ")");
  }
}
