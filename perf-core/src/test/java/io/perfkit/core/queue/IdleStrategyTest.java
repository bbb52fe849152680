package io.perfkit.core.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class IdleStrategyTest {

  @Test
  void statelessStrategies_areSharedAndNamed() {
    assertSame(IdleStrategy.busySpin(), IdleStrategy.busySpin());
    assertEquals("busy-spin", IdleStrategy.busySpin().alias());
    assertEquals("yielding", IdleStrategy.yielding().alias());
    assertEquals("no-op", IdleStrategy.noOp().alias());
    assertEquals("parking", IdleStrategy.parking(Duration.ofNanos(1)).alias());
    assertEquals("backoff", IdleStrategy.backoff().alias());
    for (IdleStrategy s :
        new IdleStrategy[] {IdleStrategy.busySpin(), IdleStrategy.yielding(), IdleStrategy.noOp()}) {
      s.idle();
      s.idle(0);
      s.idle(5);
      s.reset();
    }
  }

  @Test
  void backoff_spinsThenYieldsThenParksWithDoublingBoundedPeriod() {
    BackoffIdleStrategy s = new BackoffIdleStrategy(2, 1, 1_000, 4_000);
    assertEquals(0, s.state());
    s.idle();
    s.idle();
    assertEquals(1, s.state(), "two spins");
    s.idle();
    assertEquals(2, s.state(), "then a yield");
    s.idle();
    assertEquals(3, s.state(), "then parking");
    assertEquals(2_000, s.currentParkNanos(), "parked 1 us, next 2 us");
    s.idle();
    s.idle();
    s.idle();
    assertEquals(4_000, s.currentParkNanos(), "bounded by maxParkNanos");
    s.idle(1);
    assertEquals(0, s.state(), "work resets");
    s.idle(0);
    assertEquals(1, s.state(), "no work idles");
    s.reset();
    assertEquals(0, s.state());
  }

  @Test
  void backoff_zeroBudgets_skipStraightToParking() {
    BackoffIdleStrategy s = new BackoffIdleStrategy(0, 0, 1, 1);
    s.idle();
    assertEquals(3, s.state());
  }

  @Test
  void backoff_badBounds_nameTheParameter() {
    assertEquals(
        "maxSpins: -1 (expected: >= 0)",
        assertThrows(IllegalArgumentException.class, () -> IdleStrategy.backoff(-1, 0, 1, 1))
            .getMessage());
    assertEquals(
        "maxYields: -2 (expected: >= 0)",
        assertThrows(IllegalArgumentException.class, () -> IdleStrategy.backoff(0, -2, 1, 1))
            .getMessage());
    assertEquals(
        "minParkNanos: 0 (expected: in [1, 10])",
        assertThrows(IllegalArgumentException.class, () -> IdleStrategy.backoff(0, 0, 0, 10))
            .getMessage());
    assertEquals(
        "minParkNanos: 11 (expected: in [1, 10])",
        assertThrows(IllegalArgumentException.class, () -> IdleStrategy.backoff(0, 0, 11, 10))
            .getMessage());
    assertTrue(
        assertThrows(
                IllegalArgumentException.class, () -> IdleStrategy.backoff(0, 0, 1, Long.MAX_VALUE))
            .getMessage()
            .startsWith("maxParkNanos: " + Long.MAX_VALUE));
  }

  @Test
  void parking_badPeriod_isRejected() {
    assertThrows(NullPointerException.class, () -> IdleStrategy.parking(null));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> IdleStrategy.parking(Duration.ZERO));
    assertTrue(e.getMessage().startsWith("period: PT0S"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> IdleStrategy.parking(Duration.ofHours(2)));
    assertThrows(
        IllegalArgumentException.class, () -> IdleStrategy.parking(Duration.ofMillis(-1)));
    assertEquals(5_000, ((ParkingIdleStrategy) IdleStrategy.parking(Duration.ofNanos(5_000))).parkNanos());
  }

  @Test
  @Timeout(10)
  void parking_returnsEarlyOnInterrupt_keepingTheStatus() {
    IdleStrategy s = IdleStrategy.parking(Duration.ofHours(1));
    Thread.currentThread().interrupt();
    s.idle(); // would park an hour if the interrupt were ignored
    assertTrue(Thread.interrupted());
  }
}
