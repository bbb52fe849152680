package io.perfkit.core.pool;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;

/**
 * A platform thread's private state in a pool (its cache), found through a {@link ThreadTable}.
 * It is a weak reference to its owner, enqueued on the table's reference queue once the owner has
 * died and been collected, so that the pool can take back what the dead thread held.
 */
abstract class ThreadOwned extends WeakReference<Thread> {
  /** The owner's {@link Thread#getId()}: unique for the JVM's lifetime, never reused. */
  final long ownerId;

  /** The owner's home stripe in a shared store (and its slot hash in the table). */
  final int home;

  ThreadOwned(Thread owner, ReferenceQueue<? super Thread> deaths) {
    super(owner, deaths);
    this.ownerId = owner.getId();
    this.home = StripedStore.homeOf(ownerId);
  }
}
