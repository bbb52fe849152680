package io.perfkit.core.metrics;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A manually advanced nanosecond ticker for tests. */
final class FakeTicker implements LongSupplier {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  @Override
  public long getAsLong() {
    return nanos.get();
  }

  FakeTicker advance(long amount, TimeUnit unit) {
    nanos.addAndGet(unit.toNanos(amount));
    return this;
  }
}
