package io.perfkit.bench.pool.batch;

/** A fixed per-call cost (busy wait), standing in for one round trip to a database or service. */
final class SimulatedCall {
  private SimulatedCall() {}

  static void pay(long nanos) {
    long end = System.nanoTime() + nanos;
    while (System.nanoTime() - end < 0) {
      Thread.onSpinWait();
    }
  }
}
