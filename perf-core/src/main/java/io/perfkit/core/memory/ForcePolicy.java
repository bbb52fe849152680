package io.perfkit.core.memory;

import io.perfkit.core.internal.Checks;
import java.time.Duration;

/**
 * When a {@link MappedLog} forces appended records to the storage device on its own. Whatever the
 * policy, {@link MappedLog#force()} forces immediately, and a segment is forced completely before
 * the log moves on to the next one (unless the policy is {@link #never()}).
 *
 * <p>The interval policy is checked when records are appended: the log starts no thread, so a log
 * that receives no appends is not forced until {@link MappedLog#force()} or {@link MappedLog#close()}.
 *
 * <p>Immutable and thread-safe.
 */
public final class ForcePolicy {
  private static final ForcePolicy NEVER = new ForcePolicy(0, 0);
  private static final ForcePolicy EVERY_RECORD = new ForcePolicy(1, 0);

  private final int records;
  private final long intervalNanos;

  private ForcePolicy(int records, long intervalNanos) {
    this.records = records;
    this.intervalNanos = intervalNanos;
  }

  /** Never force automatically: records reach the disk when the OS writes the pages back. */
  public static ForcePolicy never() {
    return NEVER;
  }

  /** Force after every record (the slowest and safest policy). */
  public static ForcePolicy everyRecord() {
    return EVERY_RECORD;
  }

  /**
   * Force after every {@code count} records.
   *
   * @throws IllegalArgumentException if {@code count <= 0}
   */
  public static ForcePolicy everyRecords(int count) {
    return new ForcePolicy(Checks.checkPositive(count, "count"), 0);
  }

  /**
   * Force on the first append at least {@code interval} after the previous force.
   *
   * @throws NullPointerException if {@code interval} is null
   * @throws IllegalArgumentException if {@code interval} is zero or negative
   */
  public static ForcePolicy every(Duration interval) {
    Checks.requireNonNull(interval, "interval");
    Checks.requireArgument(!interval.isNegative() && !interval.isZero(),
        "interval: %s (expected: > 0)", interval);
    return new ForcePolicy(0, interval.toNanos());
  }

  /** Records between forces, or 0 if not record-based. */
  int records() {
    return records;
  }

  /** Nanoseconds between forces, or 0 if not time-based. */
  long intervalNanos() {
    return intervalNanos;
  }

  boolean isNever() {
    return records == 0 && intervalNanos == 0;
  }

  @Override
  public String toString() {
    if (isNever()) {
      return "ForcePolicy.never()";
    }
    return records > 0
        ? "ForcePolicy.everyRecords(" + records + ")"
        : "ForcePolicy.every(" + Duration.ofNanos(intervalNanos) + ")";
  }
}
