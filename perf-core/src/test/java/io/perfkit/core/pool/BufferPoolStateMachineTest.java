package io.perfkit.core.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Model-based properties of {@link BufferPool} on one thread, with and without a thread cache: a
 * random sequence of acquisitions (three size classes and unpooled sizes), releases in any order,
 * second releases and foreign releases runs against a model of the thread cache, the shared store
 * under its byte cap, and the drops. Checks every count after every step, and that no buffer is
 * ever handed to two holders.
 */
final class BufferPoolStateMachineTest {
  private static final int MIN = 16;
  private static final int CLASSES = 3; // 16, 32, 64

  @Provide
  Arbitrary<List<Integer>> ops() {
    return Arbitraries.integers().between(0, 10_000).list().ofMaxSize(200);
  }

  @Property(tries = 300)
  void modelMatches(
      @ForAll @IntRange(min = 0, max = 3) int threadCacheSize,
      @ForAll @IntRange(min = 16, max = 256) int maxRetainedBytes,
      @ForAll("ops") List<Integer> ops) {
    BufferPool pool =
        BufferPool.newBuilder()
            .minBufferSize(MIN)
            .maxBufferSize(MIN << (CLASSES - 1))
            .maxRetainedBytes(maxRetainedBytes)
            .threadCacheSize(threadCacheSize)
            .build();
    List<ByteBuffer> held = new ArrayList<>();
    Set<ByteBuffer> heldIds = Collections.newSetFromMap(new IdentityHashMap<>());
    List<ByteBuffer> released = new ArrayList<>(); // released and not handed out again
    int[] cached = new int[CLASSES];
    // The thread cache's hot entry (only with a cache): its buffer, and whether it is idle.
    ByteBuffer hot = null;
    boolean hotIdle = false;
    int[] shared = new int[CLASSES];
    long sharedBytes = 0;
    long created = 0;
    long reused = 0;
    long unpooled = 0;
    long discarded = 0;

    for (int op : ops) {
      int kind = op % 8;
      if (kind < 3 || held.isEmpty() && kind < 6) {
        int request = 1 + (op / 8) % 80; // 1..80: classes 16, 32, 64, and unpooled above 64
        ByteBuffer b = pool.acquire(request);
        assertEquals(request, b.limit());
        assertEquals(0, b.position());
        assertTrue(heldIds.add(b), "buffer handed to two holders");
        held.add(b);
        removeIdentity(released, b);
        if (request > MIN << (CLASSES - 1)) {
          unpooled++;
        } else {
          int c = classOf(request);
          assertEquals(MIN << c, b.capacity());
          if (hotIdle && hot.capacity() == b.capacity()) {
            assertTrue(hot == b, "the idle hot buffer of this class comes first");
            hotIdle = false;
            reused++;
          } else if (cached[c] > 0) {
            cached[c]--;
            reused++;
          } else if (shared[c] > 0) {
            shared[c]--;
            sharedBytes -= MIN << c;
            reused++;
          } else {
            created++;
          }
        }
      } else if (kind < 6) {
        ByteBuffer b = held.remove((op / 8) % held.size());
        heldIds.remove(b);
        pool.release(b);
        released.add(b);
        int capacity = b.capacity();
        if (capacity > MIN << (CLASSES - 1)) {
          discarded++;
        } else {
          int c = classOf(capacity);
          if (threadCacheSize > 0 && b == hot) {
            hotIdle = true;
          } else if (threadCacheSize > 0 && !hotIdle && (hot == null || !heldIds.contains(hot))) {
            hot = b; // the hot entry is free (empty, or its buffer is no longer handed out)
            hotIdle = true;
          } else if (cached[c] < threadCacheSize) {
            cached[c]++;
          } else if (sharedBytes + capacity <= maxRetainedBytes) {
            shared[c]++;
            sharedBytes += capacity;
          } else {
            discarded++;
          }
        }
      } else if (kind == 6 && !released.isEmpty()) {
        ByteBuffer again = released.get((op / 8) % released.size());
        assertThrows(IllegalStateException.class, () -> pool.release(again));
      } else {
        ByteBuffer foreign = ByteBuffer.allocate(MIN << ((op / 8) % CLASSES));
        assertThrows(IllegalArgumentException.class, () -> pool.release(foreign));
      }
      BufferPoolStats s = pool.stats();
      long idle = sum(shared) + sum(cached) + (hotIdle ? 1 : 0);
      assertEquals(created, s.created(), "created");
      assertEquals(reused, s.reused(), "reused");
      assertEquals(unpooled, s.unpooled(), "unpooled");
      assertEquals(discarded, s.discarded(), "discarded");
      assertEquals(idle, s.retained(), "retained");
      assertEquals(held.size(), s.outstanding(), "outstanding");
      assertEquals(0, s.leaked(), "leaked");
    }
    pool.close();
    BufferPoolStats s = pool.stats();
    assertEquals(0, s.retained());
    assertEquals(0, s.retainedBytes());
    assertEquals(held.size(), s.outstanding());
  }

  private static int classOf(int size) {
    int c = 0;
    while (MIN << c < size) {
      c++;
    }
    return c;
  }

  private static long sum(int[] counts) {
    long n = 0;
    for (int k : counts) {
      n += k;
    }
    return n;
  }

  private static void removeIdentity(List<ByteBuffer> list, ByteBuffer b) {
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i) == b) {
        list.remove(i);
        return;
      }
    }
  }
}
