package io.perfkit.bench.pool;

/** The pooled object of the object-pool benchmarks: 1 KiB of data plus a header. */
final class Payload {
  final byte[] data = new byte[1024];

  /** Touches the object, as a holder would, and returns something for the blackhole. */
  int use() {
    return ++data[0];
  }
}
