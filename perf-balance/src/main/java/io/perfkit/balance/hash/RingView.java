package io.perfkit.balance.hash;

import io.perfkit.balance.Endpoint;
import io.perfkit.balance.internal.Hashing64;
import io.perfkit.balance.internal.Member;
import java.util.Arrays;

/**
 * An immutable hash ring: sorted 32-bit points with their owners, plus a first-level index over the
 * top bits of the point so a lookup binary-searches only a short run.
 */
final class RingView {
  /*
   * Each endpoint i gets round(virtualNodes * n * w_i / sum(w)) points (at least 1), scaled down if
   * the ring would exceed maxRingSize (Envoy's ring_hash sizing with weights). Point k of an
   * endpoint is the high 32 bits of SplitMix64 step k+1 seeded with the endpoint id's hash, so
   * points depend only on the id: membership changes move only the changed endpoint's arcs.
   * Points are ordered as unsigned 32-bit numbers; we store them with the sign bit flipped so a
   * signed comparison gives the unsigned order. Ties (two endpoints on the same 32-bit point)
   * are broken by insertion order, which removals and additions of other endpoints preserve.
   *
   * Lookup: u = high 32 bits of the key hash; the first point >= u clockwise, wrapping to the
   * first point. index[b] is the first point whose top `bits` bits are >= b, so the search runs
   * between index[b] and index[b + 1].
   */
  static final long GOLDEN = 0x9E3779B97F4A7C15L;

  final Member[] members;
  final int[] points; // sign-flipped, ascending
  final int[] owners; // index into members
  final int[] index;
  final int shift;

  RingView(Member[] members, int virtualNodes, int maxRingSize) {
    this.members = members;
    int n = members.length;
    double sum = 0;
    for (Member m : members) {
      sum += m.weight();
    }
    long[] counts = new long[n];
    long total = 0;
    for (int i = 0; i < n; i++) {
      counts[i] = Math.max(1, Math.round(virtualNodes * (double) n * members[i].weight() / sum));
      total += counts[i];
    }
    if (total > maxRingSize) {
      double scale = maxRingSize / (double) total;
      total = 0;
      for (int i = 0; i < n; i++) {
        counts[i] = Math.max(1, (long) Math.floor(counts[i] * scale));
        total += counts[i];
      }
    }
    long[] packed = new long[(int) total];
    int p = 0;
    for (int i = 0; i < n; i++) {
      long seed = Hashing64.hash(members[i].id());
      for (long k = 0; k < counts[i]; k++) {
        int u = (int) (Hashing64.mix(seed + (k + 1) * GOLDEN) >>> 32);
        packed[p++] = ((long) (u ^ Integer.MIN_VALUE) << 32) | i;
      }
    }
    Arrays.sort(packed);
    points = new int[packed.length];
    owners = new int[packed.length];
    for (int k = 0; k < packed.length; k++) {
      points[k] = (int) (packed[k] >> 32);
      owners[k] = (int) packed[k];
    }
    int bits = 1;
    while (bits < 16 && (1 << (bits + 1)) <= Math.max(2, packed.length / 2)) {
      bits++;
    }
    shift = 32 - bits;
    index = new int[(1 << bits) + 1];
    int k = 0;
    for (int b = 0; b <= (1 << bits); b++) {
      while (k < points.length && ((points[k] ^ Integer.MIN_VALUE) >>> shift) < b) {
        k++;
      }
      index[b] = k;
    }
  }

  /** Returns the ring position (index into points) of the first point clockwise of the key. */
  int position(long keyHash) {
    int u = (int) (keyHash >>> 32);
    int s = u ^ Integer.MIN_VALUE;
    int b = u >>> shift;
    int lo = index[b];
    int hi = index[b + 1];
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (points[mid] < s) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo == points.length ? 0 : lo;
  }

  Endpoint lookup(long keyHash) {
    return members[owners[position(keyHash)]].endpoint();
  }
}
