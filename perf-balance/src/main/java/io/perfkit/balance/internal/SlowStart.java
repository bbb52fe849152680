package io.perfkit.balance.internal;

/**
 * Envoy's slow-start weight factor: {@code max(minFraction, (t / window)^(1 / aggression))} for
 * {@code t < window}, else 1.
 *
 * @param windowNanos the ramp length; 0 disables slow start
 * @param minFraction the floor of the factor (Envoy's min_weight_percent / 100)
 * @param aggression the curve exponent's inverse (1.0 = linear)
 */
public record SlowStart(long windowNanos, double minFraction, double aggression) {
  /** Slow start switched off. */
  public static final SlowStart OFF = new SlowStart(0, 0.1, 1.0);

  /** Returns whether slow start is on. */
  public boolean enabled() {
    return windowNanos > 0;
  }

  /**
   * Returns the weight factor of a member at {@code nowNanos}.
   *
   * @param member the member
   * @param nowNanos the ticker time
   * @return the factor in {@code [minFraction, 1]}
   */
  public double factor(Member member, long nowNanos) {
    if (!member.ramping() || windowNanos <= 0) {
      return 1.0;
    }
    long elapsed = nowNanos - member.rampStartNanos();
    if (elapsed >= windowNanos) {
      return 1.0;
    }
    double t = Math.max(elapsed, 0L) / (double) windowNanos;
    double f = aggression == 1.0 ? t : Math.pow(t, 1.0 / aggression);
    return Math.max(minFraction, f);
  }

  /**
   * Returns the effective weight of a member at {@code nowNanos}.
   *
   * @param member the member
   * @param nowNanos the ticker time
   * @return the weight times the slow-start factor
   */
  public double weight(Member member, long nowNanos) {
    return member.weight() * factor(member, nowNanos);
  }

  /**
   * Returns the latest time at which any of {@code members} is still ramping, or {@code
   * Long.MIN_VALUE} if none is.
   *
   * @param members the members
   * @return the end of the last ramp
   */
  public long rampEnd(Member[] members) {
    long end = Long.MIN_VALUE;
    if (windowNanos > 0) {
      for (Member m : members) {
        if (m.ramping()) {
          long e = m.rampStartNanos() + windowNanos;
          end = end == Long.MIN_VALUE ? e : (e - end > 0 ? e : end);
        }
      }
    }
    return end;
  }
}
