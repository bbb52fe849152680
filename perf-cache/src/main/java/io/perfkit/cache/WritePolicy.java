package io.perfkit.cache;

/**
 * How a {@link TieredCache}'s writes reach the system of record (the "store": a database, a
 * service), and so which of the two is authoritative.
 */
public enum WritePolicy {
  /**
   * The caller writes the store itself and then invalidates (or puts) the key; the cache never talks
   * to the store except through loaders. <b>Authoritative:</b> the store; the tiers hold copies that
   * may be stale until the caller invalidates them. The default.
   */
  CACHE_ASIDE,

  /**
   * {@code put} writes the store first (through a {@link CacheWriter}) and then the tiers; if the
   * store write throws, the cache is left unchanged and the exception reaches the caller.
   * <b>Authoritative:</b> the store; the tiers never hold a value the store refused.
   */
  WRITE_THROUGH,

  /**
   * {@code put} writes the tiers at once and queues the write; a batcher hands queued writes to the
   * {@link CacheWriter} in batches, with retries and a dead-letter handler; {@code close} drains the
   * queue. <b>Authoritative:</b> the cache: its tiers plus the queue of writes not yet stored, which
   * reads consult before any loader (so an entry evicted before its write reached the store is still
   * served, and a pending delete is not undone by a load of the old value).
   */
  WRITE_BEHIND
}
