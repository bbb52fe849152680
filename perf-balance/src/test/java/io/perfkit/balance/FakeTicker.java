package io.perfkit.balance;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A manually advanced ticker for tests. */
public final class FakeTicker implements Ticker {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  /** Starts at one second. */
  public FakeTicker() {}

  @Override
  public long read() {
    return nanos.get();
  }

  /** Advances the time. */
  public FakeTicker advance(Duration d) {
    nanos.addAndGet(d.toNanos());
    return this;
  }

  /** Advances the time by nanoseconds. */
  public FakeTicker advanceNanos(long n) {
    nanos.addAndGet(n);
    return this;
  }
}
