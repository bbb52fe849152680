package io.perfkit.pool.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * State-machine properties: a random sequence of borrows, returns, invalidations, time steps,
 * housekeeping passes and factory/validator failures, checked after every step against a model
 * (the leases we hold): never more than maxSize resources, never one resource lent twice, and the
 * pool's counts always add up.
 */
final class ResourcePoolPropertiesTest {

  enum Op { BORROW, RETURN_OLDEST, RETURN_NEWEST, INVALIDATE, ADVANCE_TIME, HOUSEKEEP,
    BREAK_FACTORY, FIX_FACTORY, BREAK_VALIDATOR, FIX_VALIDATOR }

  @Provide
  Arbitrary<List<Op>> ops() {
    return Arbitraries.of(Op.class).list().ofMinSize(1).ofMaxSize(60);
  }

  @Property(tries = 200)
  void invariantsHoldAfterEveryStep(
      @ForAll("ops") List<Op> ops,
      @ForAll @IntRange(min = 1, max = 4) int maxSize,
      @ForAll @IntRange(min = 0, max = 4) int minIdleRaw) throws Exception {
    int minIdle = Math.min(minIdleRaw, maxSize);
    AtomicLong time = new AtomicLong();
    boolean[] factoryBroken = {false};
    boolean[] validatorBroken = {false};
    Set<ResourcePoolTest.Res> live = new HashSet<>();
    ResourcePool<ResourcePoolTest.Res> pool = ResourcePool.<ResourcePoolTest.Res>newBuilder()
        .factory(() -> {
          if (factoryBroken[0]) {
            throw new IllegalStateException("factory down");
          }
          ResourcePoolTest.Res r = new ResourcePoolTest.Res();
          live.add(r);
          return r;
        })
        .destroyer(r -> assertTrue(live.remove(r), "destroyed twice or never created: " + r))
        .validator(r -> !validatorBroken[0])
        .maxSize(maxSize).minIdle(minIdle)
        .maxLifetime(Duration.ofSeconds(50)).idleTimeout(Duration.ofSeconds(20))
        .createBackoff(Duration.ZERO)
        .ticker(time::get)
        .build();
    Deque<Lease<ResourcePoolTest.Res>> held = new ArrayDeque<>();
    try {
      for (Op op : ops) {
        switch (op) {
          case BORROW -> {
            try {
              held.addLast(pool.borrow(Duration.ZERO));
            } catch (PoolExhaustedException expected) {
              assertTrue(held.size() == maxSize || factoryBroken[0] || validatorBroken[0],
                  "exhausted with " + held.size() + " of " + maxSize + " held");
            }
          }
          case RETURN_OLDEST -> {
            if (!held.isEmpty()) {
              held.removeFirst().close();
            }
          }
          case RETURN_NEWEST -> {
            if (!held.isEmpty()) {
              held.removeLast().close();
            }
          }
          case INVALIDATE -> {
            if (!held.isEmpty()) {
              held.removeFirst().invalidate();
            }
          }
          case ADVANCE_TIME -> time.addAndGet(Duration.ofSeconds(15).toNanos());
          case HOUSEKEEP -> pool.housekeep();
          case BREAK_FACTORY -> factoryBroken[0] = true;
          case FIX_FACTORY -> factoryBroken[0] = false;
          case BREAK_VALIDATOR -> validatorBroken[0] = true;
          case FIX_VALIDATOR -> validatorBroken[0] = false;
          default -> throw new AssertionError(op);
        }
        checkInvariants(pool, held, live, maxSize);
      }
    } finally {
      for (Lease<ResourcePoolTest.Res> lease : held) {
        lease.close();
      }
      pool.close();
    }
    assertEquals(Set.of(), live, "every created resource is destroyed after close");
  }

  private static void checkInvariants(
      ResourcePool<ResourcePoolTest.Res> pool,
      Deque<Lease<ResourcePoolTest.Res>> held,
      Set<ResourcePoolTest.Res> live,
      int maxSize) {
    ResourcePoolStats s = pool.stats();
    assertTrue(s.total() <= maxSize, "total " + s.total() + " > max " + maxSize);
    assertEquals(held.size(), s.active(), "active vs leases held");
    Set<ResourcePoolTest.Res> lent = new HashSet<>();
    for (Lease<ResourcePoolTest.Res> lease : held) {
      assertTrue(lent.add(lease.get()), "resource lent twice: " + lease.get());
    }
    assertEquals(s.active() + s.idle(), s.total(), "active + idle == total at rest: " + s);
    assertEquals(s.created() - s.destroyed(), s.total(), "created - destroyed == total: " + s);
    assertEquals(live.size(), s.total(), "live resources == total");
    assertEquals(0, s.waiting());
  }
}
