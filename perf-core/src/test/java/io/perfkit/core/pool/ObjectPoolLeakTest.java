package io.perfkit.core.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

final class ObjectPoolLeakTest {

  @Test
  void leakDetection_reportsCollectedUnreleasedObjectWithAcquireStack() throws Exception {
    List<PoolLeak> leaks = new CopyOnWriteArrayList<>();
    CountDownLatch reported = new CountDownLatch(1);
    ObjectPool<Item> pool =
        ObjectPool.newBuilder(Item::new)
            .leakDetection(
                1.0,
                leak -> {
                  leaks.add(leak);
                  reported.countDown();
                })
            .build();
    acquireAndDrop(pool);
    for (int i = 0; i < 50 && reported.getCount() > 0; i++) {
      System.gc();
      reported.await(50, TimeUnit.MILLISECONDS); // bounded retry: GC timing is not ours
    }
    assertEquals(1, leaks.size(), "leak not reported after 50 collections");
    PoolLeak leak = leaks.get(0);
    assertEquals(Item.class.getName(), leak.objectType());
    assertTrue(
        Arrays.stream(leak.acquiredAt().getStackTrace())
            .anyMatch(e -> e.getMethodName().equals("acquireAndDrop")),
        "stack should contain the acquiring method");
    PoolStats s = pool.stats();
    assertEquals(1, s.leaked());
    assertEquals(1, s.discarded());
    assertEquals(0, s.outstanding());
    assertEquals(0, pool.leakTrackedCount());
  }

  @Test
  void leakDetection_releasedObjectsAreNotReported() throws Exception {
    List<PoolLeak> leaks = new CopyOnWriteArrayList<>();
    ObjectPool<Item> pool =
        ObjectPool.newBuilder(Item::new).threadCacheSize(0).maxRetained(1)
            .leakDetection(1.0, leaks::add).build();
    for (int i = 0; i < 100; i++) {
      try (Lease<Item> lease = pool.lease()) {
        assertNotNull(lease.get());
      }
      pool.release(pool.acquire());
    }
    assertEquals(0, pool.leakTrackedCount());
    // Objects discarded after release (maxRetained 1, and closing) are not leaks either.
    Item a = pool.acquire();
    Item b = pool.acquire();
    pool.release(a);
    pool.release(b);
    pool.close();
    a = null;
    b = null;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(10);
    }
    assertEquals(List.of(), leaks);
    assertEquals(0, pool.stats().leaked());
  }

  @Test
  void leakDetection_leakFreesPlaceInBoundedPool() throws Exception {
    CountDownLatch reported = new CountDownLatch(1);
    ObjectPool<Item> pool =
        ObjectPool.newBuilder(Item::new)
            .maxTotal(1)
            .maxWait(Duration.ofSeconds(30))
            .leakDetection(1.0, leak -> reported.countDown())
            .build();
    acquireAndDrop(pool);
    for (int i = 0; i < 50 && reported.getCount() > 0; i++) {
      System.gc();
      reported.await(50, TimeUnit.MILLISECONDS);
    }
    assertEquals(0, reported.getCount(), "leak not reported");
    assertNotNull(pool.acquire()); // the leaked object's place was given back
    assertEquals(2, pool.stats().created());
  }

  private static void acquireAndDrop(ObjectPool<Item> pool) {
    Item item = pool.acquire();
    item.payload[0] = 1;
  }
}
