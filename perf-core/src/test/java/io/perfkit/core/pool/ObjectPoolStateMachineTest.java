package io.perfkit.core.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Model-based state-machine properties of {@link ObjectPool} on one thread: a random sequence of
 * acquire / lease / release / lease-close operations, each through the pool or through a
 * {@link LocalHandle} of the test thread (which shares the thread's cache), is run against the pool
 * and a model that knows exactly how many objects are idle in the thread cache, the shared store
 * and the thread's hot slot (and which object is hot), held and discarded. The hot slot is the
 * front of the thread's cache for the pool's own methods and the handle alike.
 */
final class ObjectPoolStateMachineTest {

  @Provide
  Arbitrary<List<Integer>> ops() {
    return Arbitraries.integers().between(0, 1_000).list().ofMaxSize(200);
  }

  @Property(tries = 300)
  void modelMatches(
      @ForAll @IntRange(min = 0, max = 3) int threadCacheSize,
      @ForAll @IntRange(min = 1, max = 5) int maxRetained,
      @ForAll boolean hooks,
      @ForAll boolean rejectSome,
      @ForAll boolean bounded,
      @ForAll("ops") List<Integer> ops) {
    ObjectPool.Builder<Item> builder =
        ObjectPool.newBuilder(Item::new).maxRetained(maxRetained);
    // Without hooks the pool's release keeps objects without running anything (its plainest
    // fast path); with them it resets every released object and may reject some.
    if (hooks) {
      builder.reset(i -> i.resets.incrementAndGet());
      if (rejectSome) {
        builder.validator(i -> i.resets.get() % 3 != 0);
      }
    }
    int maxTotal = maxRetained + 2;
    if (bounded) {
      builder.maxTotal(maxTotal);
    } else {
      builder.threadCacheSize(threadCacheSize);
    }
    ObjectPool<Item> pool = builder.build();
    LocalHandle<Item> handle = pool.localHandle();
    int storeCapacity = pool.storeCapacity();
    int cacheCapacity = bounded ? 0 : threadCacheSize;
    boolean hotEnabled = cacheCapacity > 0;

    List<Object> held = new ArrayList<>(); // Item or Lease<Item>
    Map<Item, Integer> releases = new IdentityHashMap<>();
    long inCache = 0;
    long inStore = 0;
    Item hot = null; // the handle's hot object (idle or lent out)
    boolean hotIdle = false;
    long created = 0;
    long reused = 0;
    long discarded = 0;

    for (int op : ops) {
      boolean acquire = op % 4 < 2 || held.isEmpty();
      if (acquire) {
        boolean viaLease = op % 8 == 1;
        boolean viaHandle = op % 8 == 0;
        long idle = inCache + inStore + (hotIdle ? 1 : 0);
        if (bounded && idle == 0 && created - discarded == maxTotal) {
          assertThrows(
              PoolExhaustedException.class,
              viaLease ? pool::lease : viaHandle ? handle::acquire : pool::acquire);
        } else {
          Object held1 = viaLease ? pool.lease() : viaHandle ? handle.acquire() : pool.acquire();
          Item item = itemOf(held1);
          assertTrue(item.holder.compareAndSet(null, held1), "handed to two holders: " + item);
          assertEquals(
              hooks ? releases.getOrDefault(item, 0) : 0, item.resets.get(), "reset count");
          held.add(held1);
          // Where the model says it came from: the hot object first (through the handle or the
          // pool: the hot slot is the front of the thread's cache), then the cache, then the store.
          if (hotIdle) {
            assertTrue(item == hot, "the hot object");
            hotIdle = false;
            reused++;
          } else if (inCache > 0) {
            inCache--;
            reused++;
          } else if (inStore > 0) {
            inStore--;
            reused++;
          } else {
            created++;
          }
        }
      } else {
        Object held1 = held.remove((op / 4) % held.size());
        boolean viaHandleRelease = !(held1 instanceof Lease) && op % 8 == 2;
        Item item = itemOf(held1);
        assertTrue(item.holder.compareAndSet(held1, null));
        if (held1 instanceof Lease) {
          ((Lease<?>) held1).close();
        } else if (viaHandleRelease) {
          handle.release(item);
        } else {
          pool.release(item);
        }
        releases.merge(item, 1, Integer::sum);
        assertEquals(
            hooks ? releases.get(item) : 0, item.resets.get(), "reset must run once per release");
        boolean rejected = hooks && rejectSome && item.resets.get() % 3 == 0;
        if (hotEnabled && item == hot) {
          // The hot object always returns to the hot slot on the owner thread.
          if (rejected) {
            discarded++;
          } else {
            hotIdle = true;
          }
        } else if (rejected) {
          discarded++;
        } else if (hotEnabled && !hotIdle) {
          // The hot slot is free (empty or its object lent out): any release on the owner thread
          // makes the object the new hot one.
          hot = item;
          hotIdle = true;
        } else if (inCache < cacheCapacity) {
          inCache++;
        } else if (inStore < storeCapacity) {
          inStore++;
        } else {
          discarded++;
        }
      }
      PoolStats s = pool.stats();
      assertEquals(created, s.created(), "created");
      assertEquals(reused, s.reused(), "reused");
      assertEquals(discarded, s.discarded(), "discarded");
      assertEquals(inCache + inStore + (hotIdle ? 1 : 0), s.retained(), "retained");
      assertEquals(held.size(), s.outstanding(), "outstanding");
      assertEquals(s.created(), s.outstanding() + s.retained() + s.discarded(), "invariant");
    }
    pool.close();
    PoolStats s = pool.stats();
    assertEquals(0, s.retained());
    assertEquals(held.size(), s.outstanding());
    assertThrows(IllegalStateException.class, handle::acquire);
  }

  private static Item itemOf(Object held) {
    if (held instanceof Lease) {
      return (Item) ((Lease<?>) held).get();
    }
    return (Item) held;
  }
}
