package io.perfkit.balance.hash;

import io.perfkit.balance.Endpoint;
import io.perfkit.balance.Membership;
import io.perfkit.balance.NoAvailableEndpointException;
import io.perfkit.balance.internal.Hashing64;

/**
 * A balancer that maps keys to endpoints so that the same key keeps going to the same endpoint
 * while membership is unchanged, and few keys move when it changes. Create one with {@link
 * ConsistentHashing}.
 *
 * <p><b>Threading:</b> thread-safe; lookups are lock-free and allocation-free and read one
 * immutable snapshot. Membership changes rebuild the structure (ring, table) off the lookup path.
 */
public interface ConsistentHash extends Membership {
  /**
   * Returns the endpoint for a key that is already a well-mixed 64-bit hash.
   *
   * @param keyHash the key's hash
   * @return the endpoint
   * @throws NoAvailableEndpointException if no endpoint is available and panic mode does not apply
   */
  Endpoint pick(long keyHash);

  /**
   * Returns the endpoint for a string key, hashed with {@link #hash(CharSequence)}.
   *
   * @param key the key
   * @return the endpoint
   * @throws NullPointerException if {@code key} is null
   * @throws NoAvailableEndpointException if no endpoint is available and panic mode does not apply
   */
  default Endpoint pick(CharSequence key) {
    return pick(hash(key));
  }

  /**
   * Returns the endpoint for a byte key, hashed with {@link #hash(byte[])}.
   *
   * @param key the key
   * @return the endpoint
   * @throws NullPointerException if {@code key} is null
   * @throws NoAvailableEndpointException if no endpoint is available and panic mode does not apply
   */
  default Endpoint pick(byte[] key) {
    return pick(hash(key));
  }

  /**
   * perfkit's stable 64-bit string hash (UTF-16 code units, SplitMix64-style mixing). Stable across
   * JVMs and releases.
   *
   * @param key the key
   * @return the hash
   * @throws NullPointerException if {@code key} is null
   */
  static long hash(CharSequence key) {
    if (key == null) {
      throw new NullPointerException("key must not be null");
    }
    return Hashing64.hash(key);
  }

  /**
   * perfkit's stable 64-bit byte-array hash.
   *
   * @param key the key
   * @return the hash
   * @throws NullPointerException if {@code key} is null
   */
  static long hash(byte[] key) {
    if (key == null) {
      throw new NullPointerException("key must not be null");
    }
    return Hashing64.hash(key);
  }
}
