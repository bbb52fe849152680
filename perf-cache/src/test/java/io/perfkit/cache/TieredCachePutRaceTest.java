package io.perfkit.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Puts that move a key between the tiers while L1 changes under them. Each test stops the putting
 * thread at an instant that used to be unsafe (inside a serializer or the ticker, which the put calls
 * there), acts from the test thread meanwhile, and then lets the put finish.
 */
final class TieredCachePutRaceTest {
  private static final long KEY = 100L;

  private final ExecutorService writer = Executors.newSingleThreadExecutor();
  private final Stop stop = new Stop();

  @AfterEach
  void release() {
    stop.resume.countDown();
    writer.shutdownNow();
  }

  /** A thread stop: the armed thread waits in {@link #stopIfArmed} until the test resumes it. */
  private static final class Stop {
    final CountDownLatch stopped = new CountDownLatch(1);
    final CountDownLatch resume = new CountDownLatch(1);
    volatile Thread armed;
    volatile Thread stoppedThread;

    void stopIfArmed() {
      if (Thread.currentThread() == armed) {
        armed = null;
        stoppedThread = Thread.currentThread();
        stopped.countDown();
        try {
          assertTrue(resume.await(10, TimeUnit.SECONDS), "hang guard: the test never resumed");
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    void awaitStopped() throws InterruptedException {
      assertTrue(stopped.await(10, TimeUnit.SECONDS), "hang guard: the put never reached its stop");
    }
  }

  /** {@link Serializer#longs()} that stops the armed thread when it serializes KEY. */
  private static Serializer<Long> keysStoppingAt(Stop stop) {
    Serializer<Long> longs = Serializer.longs();
    return new Serializer<>() {
      @Override
      public byte[] serialize(Long key) {
        if (key == KEY) {
          stop.stopIfArmed();
        }
        return longs.serialize(key);
      }

      @Override
      public Long deserialize(ByteBuffer bytes) {
        return longs.deserialize(bytes);
      }
    };
  }

  /** {@link Serializer#string()} that stops the armed thread when it serializes {@code value}. */
  private static Serializer<String> valuesStoppingAt(Stop stop, String value) {
    Serializer<String> strings = Serializer.string();
    return new Serializer<>() {
      @Override
      public byte[] serialize(String v) {
        if (v.equals(value)) {
          stop.stopIfArmed();
        }
        return strings.serialize(v);
      }

      @Override
      public String deserialize(ByteBuffer bytes) {
        return strings.deserialize(bytes);
      }
    };
  }

  @Test
  void put_whoseNewValueL1EvictsDuringTheLowerTierRemoval_keepsTheSpilledValue() throws Exception {
    FakeTicker ticker = new FakeTicker();
    try (TieredCache<Long, String> cache = TieredCache.newBuilder().maximumSize(4)
        .offHeapMaximumSize(64).offHeapMaximumEntryBytes(64)
        .expireAfterWrite(Duration.ofMinutes(1))
        .keySerializer(keysStoppingAt(stop)).valueSerializer(Serializer.string())
        .ticker(ticker).executor(Runnable::run).recordStats().build()) {
      for (long k = 0; k < 4; k++) {
        cache.put(k, "v" + k);
      }
      cache.put(KEY, "old"); // L1 is full and KEY was never requested: the gate sends it to L2
      for (int i = 0; i < 4; i++) {
        assertEquals("old", cache.get(KEY)); // L2 hits: KEY now beats L1's never-requested keys
      }
      assertEquals(4, cache.stats().offHeapHitCount(), "KEY lives in L2");

      Future<?> put = writer.submit(() -> {
        stop.armed = Thread.currentThread();
        cache.put(KEY, "new"); // admitted to L1; removing L2's "old" serializes KEY: stop there
      });
      stop.awaitStopped();
      // Every L1 entry is now past its lifetime: the clean-up expires and spills what L1 holds.
      // Before the fix, the put had written "new" to L1 already; its spill replaced "old" in L2,
      // and the put's removal then deleted it.
      ticker.advance(Duration.ofMinutes(2));
      cache.cleanUp();
      stop.resume.countDown();
      put.get(10, TimeUnit.SECONDS);

      assertEquals("new", cache.get(KEY), "the put's value is in some tier");
      assertEquals("new", cache.asMap().get(KEY));
    }
  }

  @Test
  void put_turnedAwayByTheGate_leavesTheKeyReadableWhileItMovesToL2() throws Exception {
    Stop tick = new Stop();
    AtomicLong nanos = new AtomicLong(1_000_000_000L);
    Ticker stoppingTicker = () -> {
      tick.stopIfArmed();
      return nanos.get();
    };
    // L1 keeps no write times, so Caffeine never reads the ticker: the put's own read is the stop.
    try (TieredCache<Long, String> cache = TieredCache.newBuilder().maximumSize(4)
        .offHeapMaximumSize(64).offHeapMaximumEntryBytes(64)
        .expireAfterWrite(Duration.ofNanos(Long.MAX_VALUE))
        .keySerializer(Serializer.longs()).valueSerializer(valuesStoppingAt(stop, "gated"))
        .ticker(stoppingTicker).executor(Runnable::run).build()) {
      for (long k = 0; k < 4; k++) {
        cache.put(k, "v" + k);
      }
      Future<?> put = writer.submit(() -> {
        stop.armed = Thread.currentThread();
        cache.put(KEY, "gated"); // L1 full, KEY never requested: turned away to L2
      });
      stop.awaitStopped(); // serializing "gated", after the gate's decision
      cache.asMap().put(KEY, "racing"); // a concurrent write puts KEY into L1 meanwhile
      tick.armed = stop.stoppedThread;
      stop.resume.countDown();
      tick.awaitStopped(); // the gated put is moving KEY: about to write L2
      // Before the fix the gated put had already dropped L1's "racing" and not yet written L2.
      assertNotNull(cache.asMap().get(KEY), "KEY is readable while the gated put moves it");
      tick.resume.countDown();
      put.get(10, TimeUnit.SECONDS);
      assertEquals("gated", cache.asMap().get(KEY), "the gated put came last");
      assertEquals("gated", cache.get(KEY));
    } finally {
      tick.resume.countDown();
    }
  }

  @Test
  void invalidate_whileAGetPromotesTheKey_isNotUndoneByThePromotion_andTheViewKeepsReadingIt() throws Exception {
    AtomicLong nanos = new AtomicLong(1_000_000_000L);
    AtomicLong readsByArmed = new AtomicLong();
    // The promoting get reads the ticker for L2's lookup, then for the promotion's L1 deadline: stop
    // at its second read, after L2 handed the entry over and before it is in L1.
    Ticker ticker = () -> {
      if (Thread.currentThread() == stop.armed && readsByArmed.incrementAndGet() == 2) {
        stop.stopIfArmed();
      }
      return nanos.get();
    };
    try (TieredCache<Long, String> cache = TieredCache.newBuilder().maximumSize(4)
        .offHeapMaximumSize(64).offHeapMaximumEntryBytes(64).promoteAfterHits(1)
        .keySerializer(Serializer.longs()).valueSerializer(Serializer.string())
        .ticker(ticker).executor(Runnable::run).build()) {
      for (long k = 0; k < 4; k++) {
        cache.put(k, "v" + k);
      }
      cache.put(KEY, "stale"); // L1 is full and KEY was never requested: the gate sends it to L2
      Future<String> get = writer.submit(() -> {
        stop.armed = Thread.currentThread();
        return cache.get(KEY); // the first L2 hit promotes
      });
      stop.awaitStopped();
      assertEquals("stale", cache.asMap().get(KEY), "the view reads a key while a get promotes it");
      cache.invalidate(KEY); // the store changed: the cached value must go
      stop.resume.countDown();
      assertEquals("stale", get.get(10, TimeUnit.SECONDS), "the get read before the invalidation");
      assertNull(cache.get(KEY), "the invalidated value came back");
      assertNull(cache.asMap().get(KEY));
    }
  }
}
