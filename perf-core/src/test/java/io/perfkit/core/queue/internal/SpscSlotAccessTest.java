package io.perfkit.core.queue.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Keeps the SPSC queues' slot accesses plain, with the ordering from fences: the producer stores
 * an element after a release fence, the consumer loads it before an acquire fence (the orderings
 * of the array VarHandle's setRelease and getAcquire). Through the VarHandle, C2 compiled a type
 * check per element store (the array's class against {@code Object[].class}) and, in poll(), a
 * second bounds check on the slot index, for the null store after the VarHandle's load; JCTools'
 * Unsafe queue has neither. Plain accesses cut the two-thread consumer from 1.41 to 1.21 ns per
 * poll and the producer by ~0.1 ns per offer (docs/benchmarks/queues.md, session 9). An edit
 * back to the VarHandle array accesses fails here instead of showing up as a JMH mode.
 */
class SpscSlotAccessTest {
  private static final String ARRAY_GET_ACQUIRE =
      "VarHandle.getAcquire:([Ljava/lang/Object;I)Ljava/lang/Object;";
  private static final String ARRAY_SET_RELEASE =
      "VarHandle.setRelease:([Ljava/lang/Object;ILjava/lang/Object;)V";

  @ParameterizedTest(name = "{0}.{1}")
  @CsvSource({
    "SpscArrayQueue, poll",
    "SpscArrayQueue, drain",
    "InstrumentedSpscArrayQueue, poll",
    "InstrumentedSpscArrayQueue, drainUncounted",
  })
  void consumer_loadsTheSlotPlainThenFences(String type, String method) {
    String code = Javap.body(Javap.queueClass(type), method);
    assertFalse(code.contains(ARRAY_GET_ACQUIRE), type + "." + method + " uses SLOT.getAcquire");
    assertTrue(code.contains("aaload"), type + "." + method + " has no plain slot load");
    assertTrue(
        code.contains("VarHandle.acquireFence"), type + "." + method + " has no acquire fence");
  }

  @ParameterizedTest(name = "{0}.offer")
  @CsvSource({"SpscArrayQueue", "InstrumentedSpscArrayQueue"})
  void producer_fencesThenStoresTheSlotPlain(String type) {
    String code = Javap.body(Javap.queueClass(type), "offer");
    assertFalse(code.contains(ARRAY_SET_RELEASE), type + ".offer uses SLOT.setRelease");
    assertTrue(code.contains("aastore"), type + ".offer has no plain slot store");
    assertTrue(code.contains("VarHandle.releaseFence"), type + ".offer has no release fence");
  }
}
