package io.perfkit.core.internal;

import java.util.Locale;

/**
 * Argument and state checks shared by perfkit's modules. Every message names the parameter and the
 * rejected value, lower-case, formatted with {@link Locale#US}, for example
 * {@code "capacity: 0 (expected: > 0)"}.
 *
 * <p>Internal API: exported only to perfkit's own modules. Thread-safe (stateless).
 */
public final class Checks {
  private Checks() {}

  /** Returns {@code value} if it is not null, else throws {@link NullPointerException} naming it. */
  public static <T> T requireNonNull(T value, String name) {
    if (value == null) {
      throw new NullPointerException(name + " must not be null");
    }
    return value;
  }

  /** Returns {@code value} if {@code value > 0}. */
  public static int checkPositive(int value, String name) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
    return value;
  }

  /** Returns {@code value} if {@code value > 0}. */
  public static long checkPositive(long value, String name) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
    return value;
  }

  /** Returns {@code value} if {@code value >= 0}. */
  public static int checkNonNegative(int value, String name) {
    if (value < 0) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0)");
    }
    return value;
  }

  /** Returns {@code value} if {@code value >= 0}. */
  public static long checkNonNegative(long value, String name) {
    if (value < 0) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0)");
    }
    return value;
  }

  /** Returns {@code value} if it lies in {@code [min, max]}. */
  public static int checkInRange(int value, int min, int max, String name) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + ": " + value + " (expected: in [" + min + ", " + max + "])");
    }
    return value;
  }

  /** Returns {@code value} if it lies in {@code [min, max]}. */
  public static long checkInRange(long value, long min, long max, String name) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + ": " + value + " (expected: in [" + min + ", " + max + "])");
    }
    return value;
  }

  /** Returns {@code value} if it is finite (not NaN, not infinite) and {@code > 0}. */
  public static double checkPositiveFinite(double value, String name) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(
          name + ": " + value + " (expected: finite and > 0)");
    }
    return value;
  }

  /** Returns {@code value} if it is finite and {@code >= 0}. */
  public static double checkNonNegativeFinite(double value, String name) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(
          name + ": " + value + " (expected: finite and >= 0)");
    }
    return value;
  }

  /** Throws {@link IllegalArgumentException} with a formatted message unless {@code condition}. */
  public static void requireArgument(boolean condition, String template, Object... args) {
    if (!condition) {
      throw new IllegalArgumentException(String.format(Locale.US, template, args));
    }
  }

  /** Throws {@link IllegalStateException} with a formatted message unless {@code condition}. */
  public static void requireState(boolean condition, String template, Object... args) {
    if (!condition) {
      throw new IllegalStateException(String.format(Locale.US, template, args));
    }
  }
}
