package io.perfkit.cache;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A ticker the test advances by hand. */
final class FakeTicker implements Ticker {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  @Override
  public long read() {
    return nanos.get();
  }

  void advance(Duration duration) {
    nanos.addAndGet(duration.toNanos());
  }
}
