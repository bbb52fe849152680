package io.perfkit.pool.batch;

/**
 * What a batcher does when its bounded intake is full and a producer offers another item.
 *
 * <p>Whatever the policy, an item that is not accepted is never silently lost: it is either
 * reported to the caller ({@code offer} returns {@code false}, {@code put} throws, a coalescing
 * future fails) or, for {@link #DROP}, counted in {@link BatcherStats#dropped()} and passed to the
 * drop listener.
 */
public enum BackpressurePolicy {
  /**
   * The producer waits, up to the builder's {@code offerTimeout}, for room in the intake; on
   * timeout the item is rejected ({@link BatcherStats#rejected()}).
   */
  BLOCK,
  /** The producer is told at once that the item was not accepted ({@link BatcherStats#rejected()}). */
  FAIL_FAST,
  /**
   * The item is dropped at once, counted in {@link BatcherStats#dropped()} and passed to the drop
   * listener, if one is set.
   */
  DROP
}
