package io.perfkit.core.queue.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps the SPSC queues' offer() free of calls whose inlining C2 decides from the profile: C2
 * always inlines a method of at most {@code MaxInlineSize} (35 bytes), and a larger one only where
 * the warm-up profile made the call site hot. The room check (hasRoom, 57 bytes) behind offer's
 * limit was such a call: inlined in some JVMs and a call in others, which put the two-thread
 * transfer's producer at 2.1 or 2.8 ns per offer depending on the JVM (docs/benchmarks/queues.md,
 * session 8). So every perfkit method offer() calls is at most 35 bytes, except the instrumented
 * queue's sampled path, which is out of line on purpose (SampledPathSizeTest); since session 9 the
 * same holds for fill(), whose loop called the same room check.
 */
class SpscOfferInliningTest {
  /** C2's MaxInlineSize default (JDK 17 to 25). */
  private static final int MAX_INLINE_SIZE = 35;

  private static final Pattern CALL =
      Pattern.compile("invoke\\w+\\s+#\\d+\\s+// (?:Interface)?Method ([\\w/$]+\\.)?(\\w+):");

  @Test
  void spscOffer_callsOnlyMethodsC2AlwaysInlines() {
    assertCallsOnlySmallMethods(SpscArrayQueue.class, "offer", Set.of());
  }

  @Test
  void instrumentedSpscOffer_callsOnlyMethodsC2AlwaysInlines_butTheSampledPath() {
    assertCallsOnlySmallMethods(InstrumentedSpscArrayQueue.class, "offer", Set.of("stampSampled"));
  }

  @Test
  void spscFill_callsOnlyMethodsC2AlwaysInlines() {
    assertCallsOnlySmallMethods(SpscArrayQueue.class, "fill", Set.of());
  }

  @Test
  void instrumentedSpscFill_callsOnlyMethodsC2AlwaysInlines_butTheSampledPath() {
    assertCallsOnlySmallMethods(
        InstrumentedSpscArrayQueue.class, "fillUncounted", Set.of("stampSampled"));
  }

  private static void assertCallsOnlySmallMethods(
      Class<?> type, String caller, Set<String> outOfLine) {
    String code = Javap.body(type, caller);
    List<String> checked = new ArrayList<>();
    Matcher call = CALL.matcher(code);
    while (call.find()) {
      String owner = call.group(1) == null ? type.getName() : call.group(1);
      String method = call.group(2);
      if (!owner.startsWith("io/perfkit/") && !owner.equals(type.getName())
          || outOfLine.contains(method)) {
        continue; // VarHandle access modes and Math.min are intrinsics, the supplier is the
        // caller's; the sampled path is out of line on purpose
      }
      Class<?> callee = declaring(owner.equals(type.getName()) ? type : classOf(owner, type), method);
      int size = Javap.bytecodeSize(callee, method);
      checked.add(method + " " + size);
      assertTrue(
          size <= MAX_INLINE_SIZE,
          type.getSimpleName() + "." + caller + " calls " + method + ": " + size
              + " bytes of bytecode (expected: <= " + MAX_INLINE_SIZE + ")");
    }
    assertFalse(code.contains("hasRoom"), caller + " calls hasRoom");
    assertFalse(checked.isEmpty(), "no perfkit call found in " + caller + ": the pattern is broken");
  }

  /** The class in {@code type}'s hierarchy that declares {@code method} (javap names the caller's). */
  private static Class<?> declaring(Class<?> type, String method) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      for (java.lang.reflect.Method m : c.getDeclaredMethods()) {
        if (m.getName().equals(method)) {
          return c;
        }
      }
    }
    throw new AssertionError(method + " not declared in " + type.getName() + "'s hierarchy");
  }

  private static Class<?> classOf(String owner, Class<?> context) {
    String name = owner.substring(0, owner.length() - 1).replace('/', '.');
    try {
      return Class.forName(name, false, context.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new AssertionError(name, e);
    }
  }
}
