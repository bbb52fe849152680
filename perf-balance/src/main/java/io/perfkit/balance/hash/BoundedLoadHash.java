package io.perfkit.balance.hash;

import io.perfkit.balance.Lease;
import io.perfkit.balance.Membership;
import io.perfkit.balance.NoAvailableEndpointException;

/**
 * Consistent hashing with bounded loads (Mirrokni, Thorup and Zadimoghaddam, SODA 2018) on a hash
 * ring: a key goes to the first endpoint clockwise from its point whose in-flight count is below
 * the cap {@code ceil(c * m / n)}, where {@code m} counts the keys in flight including the new one
 * and {@code n} the available endpoints; an endpoint at its cap passes the key on to the next one
 * clockwise. No endpoint ever accepts a key that would take it above the cap in force at that
 * moment. Create one with {@link ConsistentHashing#boundedLoad()}.
 *
 * <p><b>Threading:</b> thread-safe and lock-free: the cap check and the increment of an endpoint's
 * in-flight count are one compare-and-set. <b>Allocation:</b> one {@link Lease} per pick.
 */
public interface BoundedLoadHash extends Membership {
  /**
   * Chooses the endpoint for a key and counts the key in flight on it until the lease is done.
   *
   * @param keyHash the key's 64-bit hash
   * @return the lease
   * @throws NoAvailableEndpointException if no endpoint is available and panic mode does not apply
   */
  Lease pick(long keyHash);

  /**
   * Same as {@link #pick(long)} with {@link ConsistentHash#hash(CharSequence)}.
   *
   * @param key the key
   * @return the lease
   * @throws NullPointerException if {@code key} is null
   * @throws NoAvailableEndpointException if no endpoint is available and panic mode does not apply
   */
  default Lease pick(CharSequence key) {
    return pick(ConsistentHash.hash(key));
  }

  /**
   * Returns the keys in flight on one endpoint.
   *
   * @param id the endpoint id
   * @return the count, 0 if unknown
   * @throws NullPointerException if {@code id} is null
   */
  int inFlight(String id);

  /** Returns the number of keys in flight over all endpoints. */
  long totalInFlight();

  /** Returns the load factor c. */
  double loadFactor();
}
