package io.perfkit.core.queue.internal;

import io.perfkit.core.internal.Checks;

/** Argument checks shared by the queue package, with messages naming the parameter and value. */
public final class QueueChecks {
  private QueueChecks() {}

  public static <T> T requireNonNull(T value, String name) {
    return Checks.requireNonNull(value, name);
  }

  public static void checkElement(Object element) {
    if (element == null) {
      throw new NullPointerException("element must not be null (null marks an empty slot)");
    }
  }

  public static int checkLimit(int limit) {
    return Checks.checkNonNegative(limit, "limit");
  }

  /** The largest capacity a bounded queue accepts: {@code 2^30}. */
  public static final int MAX_CAPACITY = 1 << 30;

  /** Returns {@code capacity} if it is a power of two in {@code [1, 2^30]}. */
  public static int checkPowerOfTwoCapacity(int capacity) {
    Checks.requireArgument(
        capacity >= 1 && capacity <= MAX_CAPACITY && Integer.bitCount(capacity) == 1,
        "capacity: %d (expected: a power of two in [1, %d])",
        capacity,
        MAX_CAPACITY);
    return capacity;
  }
}
