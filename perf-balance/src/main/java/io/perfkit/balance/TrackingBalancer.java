package io.perfkit.balance;

/**
 * A key-less balancer that tracks requests in flight: least request (full scan or power of two
 * choices) and P2C peak EWMA. Create one with {@link Balancers}.
 *
 * <p><b>Threading:</b> thread-safe. <b>Progress:</b> {@link #pick()} is lock-free (peak EWMA's
 * read of an estimate, which is an update in Finagle's definition, is one compare-and-set of the
 * endpoint's stamp). Completing a peak-EWMA lease takes a per-endpoint spin lock that only other
 * completions on the same endpoint contend for; it never delays a pick. <b>Allocation:</b> one
 * {@link Lease} per pick and nothing else (24 bytes for least request, 40 for peak EWMA, which also
 * keeps the pick time and its balancer); the lease is what detects a second completion, so it is
 * not pooled.
 */
public interface TrackingBalancer extends Membership {
  /**
   * Chooses an endpoint and counts one request in flight on it until the lease is completed.
   *
   * @return the lease for the chosen endpoint
   * @throws NoAvailableEndpointException if there is no available endpoint and panic mode does not
   *     apply
   */
  Lease pick();

  /**
   * Returns the number of requests in flight on the endpoint (leases picked and not yet done).
   *
   * @param id the endpoint id
   * @return the in-flight count, or 0 if the id is unknown
   * @throws NullPointerException if {@code id} is null
   */
  int inFlight(String id);
}
