package io.perfkit.balance;

import java.util.List;

/**
 * The mutable set of endpoints behind a balancer: add, remove, reweight, mark down/up, eject and
 * restore. Every change publishes a new immutable snapshot; picks never lock and never wait for a
 * change.
 *
 * <p>An endpoint is <i>available</i> when it is healthy (not {@linkplain #setHealthy marked down})
 * and not {@linkplain #setEjected ejected}. The two flags are independent so that an active health
 * checker and a passive outlier detector can drive the same membership without undoing each
 * other's decisions.
 *
 * <p><b>Threading:</b> all methods are thread-safe. Writers serialise on an internal lock; picks
 * do not take it. <b>Ordering:</b> a change happens-before every pick that starts after the change
 * method returns (the snapshot is published with a volatile write and read with a volatile read),
 * so a pick that starts after {@code remove(id)} returned never returns that endpoint. A pick that
 * is already running may still return the old snapshot's choice.
 */
public interface Membership {
  /**
   * Adds an endpoint, healthy and not ejected. With slow start configured, its weight ramps up
   * from now.
   *
   * @param endpoint the endpoint
   * @throws NullPointerException if {@code endpoint} is null
   * @throws IllegalArgumentException if an endpoint with the same id is already present
   */
  void add(Endpoint endpoint);

  /**
   * Removes the endpoint with the given id. Leases still open on it may complete normally.
   *
   * @param id the endpoint id
   * @return {@code true} if it was present
   * @throws NullPointerException if {@code id} is null
   */
  boolean remove(String id);

  /**
   * Replaces the weight of the endpoint with {@code endpoint.id()}; load state (in-flight requests,
   * latency estimates) is kept.
   *
   * @param endpoint the endpoint carrying the new weight
   * @return {@code true} if the id was present
   * @throws NullPointerException if {@code endpoint} is null
   */
  boolean update(Endpoint endpoint);

  /**
   * Marks an endpoint up or down (for active health checks or operators). A down endpoint is not
   * picked unless panic mode applies. Marking it up again restarts slow start.
   *
   * @param id the endpoint id
   * @param healthy the new health flag
   * @return {@code true} if the flag changed
   * @throws NullPointerException if {@code id} is null
   */
  boolean setHealthy(String id, boolean healthy);

  /**
   * Ejects or restores an endpoint (for outlier detection). Independent of {@link #setHealthy};
   * restoring restarts slow start.
   *
   * @param id the endpoint id
   * @param ejected the new ejection flag
   * @return {@code true} if the flag changed
   * @throws NullPointerException if {@code id} is null
   */
  boolean setEjected(String id, boolean ejected);

  /**
   * Returns every endpoint, available or not, in insertion order.
   *
   * @return an immutable list
   */
  List<Endpoint> endpoints();

  /**
   * Returns whether the endpoint is present, healthy and not ejected.
   *
   * @param id the endpoint id
   * @return {@code true} if available
   * @throws NullPointerException if {@code id} is null
   */
  boolean isAvailable(String id);
}
