package io.perfkit.pool.batch;

import java.util.ArrayList;
import java.util.List;

/** An item and the {@code System.nanoTime()} at which it was offered (latency recording on). */
record Stamped<T>(T item, long enqueuedNanos) {
  static <T> List<T> items(List<Stamped<T>> stamped) {
    List<T> items = new ArrayList<>(stamped.size());
    for (Stamped<T> s : stamped) {
      items.add(s.item());
    }
    return items;
  }
}
