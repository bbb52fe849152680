package io.perfkit.bench.cache;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;

/**
 * Request sequences for the hit-ratio study: real traces (gzip text, one key per line) and synthetic
 * workloads (Zipf of several skews, a hot set under scans, loops, a shifting hot set). Every generator
 * is seeded, so a run is reproducible.
 */
final class Workloads {
  private Workloads() {}

  /** A named request sequence and the total capacities it is measured at. */
  record Workload(String name, long[] keys, int[] capacities) {
    long distinct() {
      return Arrays.stream(keys).distinct().count();
    }
  }

  /** Reads a trace in the cache-traces format (skips blank lines and "*" checkpoint markers). */
  static long[] readTrace(Path file) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
      return in.lines()
          .map(String::trim)
          .filter(line -> !line.isEmpty() && !line.equals("*"))
          .mapToLong(Long::parseLong)
          .toArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read trace " + file, e);
    }
  }

  /** {@code n} requests over {@code keys} keys whose popularity follows Zipf with exponent {@code s}. */
  static long[] zipf(int n, int keys, double s, long seed) {
    double[] cdf = zipfCdf(keys, s);
    SplittableRandom random = new SplittableRandom(seed);
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = scramble(rank(cdf, random.nextDouble()));
    }
    return out;
  }

  /**
   * A Zipf(0.9) hot set of {@code hot} keys; one request in {@code scanEvery} starts a sequential scan of
   * {@code scanLength} never-repeated keys (the database pattern of point reads under table scans).
   */
  static long[] scanAndHot(int n, int hot, int scanEvery, int scanLength, long seed) {
    double[] cdf = zipfCdf(hot, 0.9);
    SplittableRandom random = new SplittableRandom(seed);
    long[] out = new long[n];
    long scanKey = 1L << 40;
    int i = 0;
    while (i < n) {
      if (random.nextInt(scanEvery) == 0) {
        for (int j = 0; j < scanLength && i < n; j++) {
          out[i++] = scanKey++;
        }
      } else {
        out[i++] = scramble(rank(cdf, random.nextDouble()));
      }
    }
    return out;
  }

  /**
   * Loops over {@code loopLength} keys; a fraction {@code noise} of requests instead go to a Zipf(0.8)
   * set of {@code loopLength} other keys.
   */
  static long[] loop(int n, int loopLength, double noise, long seed) {
    double[] cdf = zipfCdf(loopLength, 0.8);
    SplittableRandom random = new SplittableRandom(seed);
    long[] out = new long[n];
    int position = 0;
    for (int i = 0; i < n; i++) {
      if (random.nextDouble() < noise) {
        out[i] = scramble((1L << 40) + rank(cdf, random.nextDouble()));
      } else {
        out[i] = scramble(position);
        position = (position + 1) % loopLength;
      }
    }
    return out;
  }

  /**
   * Zipf(0.9) over {@code keys} keys whose identities shift every {@code period} requests by a tenth of
   * the key space: popularity decays with age, the case where recency beats frequency.
   */
  static long[] shifting(int n, int keys, int period, long seed) {
    double[] cdf = zipfCdf(keys, 0.9);
    SplittableRandom random = new SplittableRandom(seed);
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      long offset = (long) (i / period) * (keys / 10);
      out[i] = scramble(offset + rank(cdf, random.nextDouble()));
    }
    return out;
  }

  private static double[] zipfCdf(int keys, double s) {
    double[] cdf = new double[keys];
    double sum = 0;
    for (int k = 0; k < keys; k++) {
      sum += 1.0 / Math.pow(k + 1, s);
      cdf[k] = sum;
    }
    for (int k = 0; k < keys; k++) {
      cdf[k] /= sum;
    }
    return cdf;
  }

  private static long rank(double[] cdf, double u) {
    int index = Arrays.binarySearch(cdf, u);
    return index >= 0 ? index : Math.min(cdf.length - 1, -index - 1);
  }

  /** Spreads ranks over the key space so that popularity is not correlated with key order. */
  private static long scramble(long rank) {
    long z = (rank + 1) * 0x9E37_79B9_7F4A_7C15L;
    z = (z ^ (z >>> 31)) * 0xBF58_476D_1CE4_E5B9L;
    return z ^ (z >>> 29);
  }
}
