package io.perfkit.core.pool;

import java.lang.ref.Cleaner;
import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Sampled leak detection for an {@link ObjectPool}: a sampled acquisition records its stack and
 * registers the object with a {@link Cleaner}; a release unregisters it. If the object becomes
 * phantom-reachable first, the cleaner reports a {@link PoolLeak} to the listener.
 *
 * <p>Tracked objects are found again on release through a map keyed by identity with weak keys, so
 * the tracker never keeps an acquired object alive. The cost when enabled: one random draw per
 * acquisition; per sampled acquisition a stack capture, a map insert and a cleaner registration;
 * per release a map lookup while any object is tracked.
 */
final class LeakTracker {
  private final double samplingRate;
  private final Consumer<? super PoolLeak> listener;
  private final Runnable onLeak;
  private final ConcurrentHashMap<IdentityKey, Record> tracked = new ConcurrentHashMap<>();
  private final AtomicLong leaks = new AtomicLong();

  LeakTracker(double samplingRate, Consumer<? super PoolLeak> listener, Runnable onLeak) {
    this.samplingRate = samplingRate;
    this.listener = listener;
    this.onLeak = onLeak;
  }

  /** Called after an acquisition hands out {@code obj}. */
  void onAcquire(Object obj) {
    if (samplingRate < 1.0 && ThreadLocalRandom.current().nextDouble() >= samplingRate) {
      return;
    }
    IdentityKey key = new IdentityKey(obj);
    Record record = new Record(this, key, obj.getClass().getName(), new Throwable("acquired here"));
    Record previous = tracked.put(key, record);
    if (previous != null) {
      previous.release();
    }
    record.cleanable = SharedCleaner.INSTANCE.register(obj, record);
  }

  /** Called when {@code obj} is released (or discarded by its holder). */
  void onRelease(Object obj) {
    if (tracked.isEmpty()) {
      return;
    }
    Record record = tracked.remove(new IdentityKey(obj));
    if (record != null) {
      record.release();
    }
  }

  long leaks() {
    return leaks.get();
  }

  /** Objects tracked now (for tests). */
  int trackedCount() {
    return tracked.size();
  }

  private void reportLeak(Record record) {
    tracked.remove(record.key, record);
    leaks.incrementAndGet();
    onLeak.run();
    listener.accept(new PoolLeak(record.type, record.trace));
  }

  /** The cleaner action: reports a leak unless the object was released first. */
  private static final class Record implements Runnable {
    private final LeakTracker tracker;
    private final IdentityKey key;
    private final String type;
    private final Throwable trace;
    private volatile boolean released;
    private volatile Cleaner.Cleanable cleanable;

    Record(LeakTracker tracker, IdentityKey key, String type, Throwable trace) {
      this.tracker = tracker;
      this.key = key;
      this.type = type;
      this.trace = trace;
    }

    void release() {
      // Volatile: the cleaner thread must see the release if it races with the collection.
      released = true;
      Cleaner.Cleanable c = cleanable;
      if (c != null) {
        c.clean(); // runs run() at most once; released == true makes it a no-op
      }
    }

    @Override
    public void run() {
      if (!released) {
        tracker.reportLeak(this);
      }
    }
  }

  /** A weak reference compared by referent identity; a cleared key equals only itself. */
  static final class IdentityKey extends WeakReference<Object> {
    private final int hash;

    IdentityKey(Object referent) {
      super(referent);
      this.hash = System.identityHashCode(referent);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      if (this == o) {
        return true;
      }
      if (!(o instanceof IdentityKey)) {
        return false;
      }
      Object referent = get();
      return referent != null && referent == ((IdentityKey) o).get();
    }
  }

  /** The shared cleaner, started on first use of leak detection (daemon thread, named). */
  private static final class SharedCleaner {
    static final Cleaner INSTANCE =
        Cleaner.create(
            r -> {
              Thread t = new Thread(r, "perfkit-pool-leak-detector");
              t.setDaemon(true);
              return t;
            });
  }
}
