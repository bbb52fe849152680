package io.perfkit.core.pool;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** A pooled test object: counts its resets and records its current holder. */
final class Item {
  private static final AtomicInteger IDS = new AtomicInteger();

  final int id = IDS.incrementAndGet();
  final byte[] payload = new byte[64];
  final AtomicInteger resets = new AtomicInteger();
  final AtomicReference<Object> holder = new AtomicReference<>();

  @Override
  public String toString() {
    return "Item" + id;
  }
}
