package io.perfkit.bench.pool;

import io.perfkit.core.pool.LocalHandle;
import io.perfkit.core.pool.ObjectPool;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import stormpot.Expiration;
import stormpot.Pool;
import stormpot.PoolTap;
import stormpot.Pooled;
import stormpot.Timeout;

/**
 * One object pool under test, behind a common shape: {@code acquire} returns a handle (the object
 * itself, or the peer's wrapper), {@code payload} unwraps it, {@code release} gives it back.
 * Each JMH fork loads one implementation, so the interface call is monomorphic.
 */
interface PoolAdapter {
  /** Bounded pools (ours in bounded mode, Stormpot, commons-pool2) hold this many objects. */
  int SIZE = 64;

  Object acquire() throws Exception;

  Payload payload(Object handle);

  void release(Object handle) throws Exception;

  default void close() throws Exception {}

  /**
   * The adapter one benchmark thread uses: this adapter itself, except for peers whose fastest
   * idiomatic use is a per-thread handle (Stormpot's thread-local tap), which get a new handle per
   * thread.
   */
  default PoolAdapter forThread() {
    return this;
  }

  static PoolAdapter create(String impl) {
    return switch (impl) {
      case "perfkit" -> new Perfkit(ObjectPool.newBuilder(Payload::new).build());
      case "perfkit-handle" -> new Perfkit(ObjectPool.newBuilder(Payload::new).build(), true);
      case "perfkit-bounded" ->
          new Perfkit(
              ObjectPool.newBuilder(Payload::new)
                  .maxTotal(SIZE)
                  .maxWait(Duration.ofSeconds(1))
                  .build());
      case "stormpot" -> new Stormpot(false);
      case "stormpot-tap" -> new Stormpot(true);
      case "commons-pool2" -> new CommonsPool2();
      case "clq" -> new Clq();
      case "synchronized" -> new Synchronized();
      case "new" -> new New();
      default -> throw new IllegalArgumentException("impl: " + impl);
    };
  }

  /** perfkit's ObjectPool: recycler mode (thread caches) or bounded mode. */
  final class Perfkit implements PoolAdapter {
    private final ObjectPool<Payload> pool;
    private final boolean perThreadHandle;

    Perfkit(ObjectPool<Payload> pool) {
      this(pool, false);
    }

    /**
     * {@code perThreadHandle}: each benchmark thread works through its own
     * {@link ObjectPool#localHandle()} (like {@code stormpot-tap}); setup and teardown use the pool.
     */
    Perfkit(ObjectPool<Payload> pool, boolean perThreadHandle) {
      this.pool = pool;
      this.perThreadHandle = perThreadHandle;
    }

    @Override
    public PoolAdapter forThread() {
      // JMH runs a Scope.Thread state's setup on the thread that uses it: the handle's owner.
      return perThreadHandle ? new PerfkitHandle(pool.localHandle()) : this;
    }

    @Override
    public Object acquire() {
      return pool.acquire();
    }

    @Override
    public Payload payload(Object handle) {
      return (Payload) handle;
    }

    @Override
    public void release(Object handle) {
      pool.release((Payload) handle);
    }

    @Override
    public void close() {
      pool.close();
    }
  }

  /** One benchmark thread's {@link LocalHandle} of a perfkit ObjectPool. */
  final class PerfkitHandle implements PoolAdapter {
    private final LocalHandle<Payload> handle;

    PerfkitHandle(LocalHandle<Payload> handle) {
      this.handle = handle;
    }

    @Override
    public Object acquire() {
      return handle.acquire();
    }

    @Override
    public Payload payload(Object h) {
      return (Payload) h;
    }

    @Override
    public void release(Object h) {
      handle.release((Payload) h);
    }
  }

  /**
   * Stormpot 3.2 BlazePool, configured as Stormpot's own ClaimRelease benchmark does (no
   * expiration, no background expiration, no precise leak detection). {@code stormpot}:
   * {@code pool.claim(timeout)} + {@code release()}, the thread-safe entry point with the same
   * contract as our {@code acquire()} (BlazePool finds the calling thread's slot cache through a
   * {@code ThreadLocal}). {@code stormpot-tap}: each benchmark thread claims through its own
   * {@code getThreadLocalTap()}, Stormpot 3's fastest path: the tap is a plain one-slot cache that
   * the caller keeps per thread (each call returns a new tap; sharing one between threads makes
   * them fight over its slot), so no thread lookup happens at all.
   */
  final class Stormpot implements PoolAdapter {
    private final Pool<Pooled<Payload>> pool;
    private final PoolTap<Pooled<Payload>> tap;
    private final boolean perThreadTap;
    private final Timeout timeout = new Timeout(1, TimeUnit.SECONDS);

    Stormpot(boolean perThreadTap) {
      this.pool =
          Pool.from(new stormpot.Allocator<Pooled<Payload>>() {
                @Override
                public Pooled<Payload> allocate(stormpot.Slot slot) {
                  return new Pooled<>(slot, new Payload());
                }

                @Override
                public void deallocate(Pooled<Payload> poolable) {}
              })
              .setSize(SIZE)
              .setExpiration(Expiration.never())
              .setBackgroundExpirationEnabled(false)
              .setPreciseLeakDetectionEnabled(false)
              .build();
      this.perThreadTap = perThreadTap;
      this.tap = perThreadTap ? pool.getThreadLocalTap() : pool;
    }

    private Stormpot(Stormpot shared) {
      this.pool = shared.pool;
      this.perThreadTap = true;
      this.tap = pool.getThreadLocalTap();
    }

    @Override
    public PoolAdapter forThread() {
      return perThreadTap ? new Stormpot(this) : this;
    }

    @Override
    public Object acquire() throws InterruptedException {
      return tap.claim(timeout);
    }

    @Override
    public Payload payload(Object handle) {
      return cast(handle).object;
    }

    @Override
    public void release(Object handle) {
      cast(handle).release();
    }

    @Override
    public void close() throws InterruptedException {
      pool.shutdown().await(new Timeout(10, TimeUnit.SECONDS));
    }

    // Only Pooled<Payload> handles are ever passed back to this adapter.
    @SuppressWarnings("unchecked")
    private static Pooled<Payload> cast(Object handle) {
      return (Pooled<Payload>) handle;
    }
  }

  /** Apache Commons Pool2 GenericObjectPool (LIFO, JMX off). */
  final class CommonsPool2 implements PoolAdapter {
    private final GenericObjectPool<Payload> pool;

    CommonsPool2() {
      GenericObjectPoolConfig<Payload> config = new GenericObjectPoolConfig<>();
      config.setMaxTotal(SIZE);
      config.setMaxIdle(SIZE);
      config.setJmxEnabled(false);
      pool =
          new GenericObjectPool<>(
              new BasePooledObjectFactory<Payload>() {
                @Override
                public Payload create() {
                  return new Payload();
                }

                @Override
                public PooledObject<Payload> wrap(Payload obj) {
                  return new DefaultPooledObject<>(obj);
                }
              },
              config);
    }

    @Override
    public Object acquire() throws Exception {
      return pool.borrowObject();
    }

    @Override
    public Payload payload(Object handle) {
      return (Payload) handle;
    }

    @Override
    public void release(Object handle) {
      pool.returnObject((Payload) handle);
    }

    @Override
    public void close() {
      pool.close();
    }
  }

  /** What people hand-write: a ConcurrentLinkedQueue of idle objects, new when empty. */
  final class Clq implements PoolAdapter {
    private final ConcurrentLinkedQueue<Payload> idle = new ConcurrentLinkedQueue<>();

    @Override
    public Object acquire() {
      Payload p = idle.poll();
      return p != null ? p : new Payload();
    }

    @Override
    public Payload payload(Object handle) {
      return (Payload) handle;
    }

    @Override
    public void release(Object handle) {
      idle.offer((Payload) handle);
    }
  }

  /** A synchronized ArrayDeque of at most SIZE idle objects, new when empty. */
  final class Synchronized implements PoolAdapter {
    private final ArrayDeque<Payload> idle = new ArrayDeque<>();

    @Override
    public Object acquire() {
      Payload p;
      synchronized (idle) {
        p = idle.pollLast();
      }
      return p != null ? p : new Payload();
    }

    @Override
    public Payload payload(Object handle) {
      return (Payload) handle;
    }

    @Override
    public void release(Object handle) {
      synchronized (idle) {
        if (idle.size() < SIZE) {
          idle.addLast((Payload) handle);
        }
      }
    }
  }

  /** No pool: allocate on acquire, drop on release (the GC frees it). */
  final class New implements PoolAdapter {
    /** The last released object: makes every object escape, so allocation is not optimised away. */
    private Object last;

    @Override
    public Object acquire() {
      return new Payload();
    }

    @Override
    public Payload payload(Object handle) {
      return (Payload) handle;
    }

    @Override
    public void release(Object handle) {
      last = handle;
    }
  }
}
