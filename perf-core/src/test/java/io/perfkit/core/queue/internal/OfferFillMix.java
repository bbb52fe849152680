package io.perfkit.core.queue.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.jctools.queues.MessagePassingQueue;

/**
 * Test helper: puts 0, 1, ..., n - 1 into a queue that has room for them, in that order, by a
 * random mix of single offers and fills of random sizes, so that the producer's offer and batch
 * paths (and their sampled positions) interleave.
 */
public final class OfferFillMix {
  private OfferFillMix() {}

  /** Adds {@code 0..n-1} to {@code q}; every offer must succeed (the caller leaves room). */
  public static void addInOrder(MessagePassingQueue<Integer> q, int n, Random random) {
    int added = 0;
    while (added < n) {
      if (random.nextBoolean()) {
        assertTrue(q.offer(added), "offer of " + added + " failed");
        added++;
      } else {
        int[] next = {added};
        added += q.fill(() -> next[0]++, 1 + random.nextInt(n - added));
      }
    }
  }
}
