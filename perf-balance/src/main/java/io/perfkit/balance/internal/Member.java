package io.perfkit.balance.internal;

import io.perfkit.balance.Endpoint;

/**
 * An endpoint's entry in a membership snapshot: the endpoint, its two health flags, its slow-start
 * ramp start, and its shared {@link Load}. Immutable apart from the shared load; a change creates a
 * new {@code Member} sharing the same load.
 *
 * @param endpoint the endpoint
 * @param healthy not marked down
 * @param ejected ejected by outlier detection
 * @param ramping whether slow start applies from {@code rampStartNanos}
 * @param rampStartNanos when the endpoint was added or became available again
 * @param load the shared mutable load
 */
public record Member(
    Endpoint endpoint,
    boolean healthy,
    boolean ejected,
    boolean ramping,
    long rampStartNanos,
    Load load) {

  /** Returns whether the member is available (healthy and not ejected). */
  public boolean available() {
    return healthy && !ejected;
  }

  /** Returns the endpoint id. */
  public String id() {
    return endpoint.id();
  }

  /** Returns the configured weight. */
  public double weight() {
    return endpoint.weight();
  }
}
