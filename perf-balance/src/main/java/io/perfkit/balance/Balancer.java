package io.perfkit.balance;

/**
 * A key-less balancer that does not track requests: round robin, random, weighted random, smooth
 * weighted round robin. Create one with {@link Balancers}.
 *
 * <p><b>Threading:</b> thread-safe. <b>Progress:</b> {@link #pick()} is lock-free and never blocks
 * on membership changes. <b>Allocation:</b> none per pick.
 */
public interface Balancer extends Membership {
  /**
   * Chooses an endpoint.
   *
   * @return the chosen endpoint
   * @throws NoAvailableEndpointException if there is no available endpoint and panic mode does not
   *     apply
   */
  Endpoint pick();

  /**
   * Reports the outcome of a request sent to {@code endpoint}. Only smooth weighted round robin
   * uses it (nginx's effective-weight reduction on failure); the others ignore it.
   *
   * @param endpoint the endpoint the request went to
   * @param success whether it succeeded
   * @throws NullPointerException if {@code endpoint} is null
   */
  default void report(Endpoint endpoint, boolean success) {
    if (endpoint == null) {
      throw new NullPointerException("endpoint must not be null");
    }
  }
}
