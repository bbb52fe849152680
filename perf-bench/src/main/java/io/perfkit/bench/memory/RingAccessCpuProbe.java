package io.perfkit.bench.memory;

import io.perfkit.core.memory.MemoryBuffer;
import java.lang.invoke.VarHandle;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A loaded-machine A/B probe for the accesses the many-to-one ring buffer's producer makes per
 * message, perfkit's {@link MemoryBuffer} (JDK 17: {@code byteBufferViewVarHandle} for the CAS,
 * plain accesses with fences for ordered loads and stores) against Agrona's {@code UnsafeBuffer}
 * (Unsafe, needs {@code --add-exports java.base/jdk.internal.misc}): calling-thread CPU time per
 * operation, the two implementations alternating round by round in one JVM (ABBA), so a busy
 * machine shifts both alike. Operations, each over a 128 KiB area at a stride of 72 bytes (a
 * 64-byte message's record):
 *
 * <ul>
 *   <li>{@code cas}: the tail claim, a successful compareAndSet of a long (always the same slot);
 *   <li>{@code tailRead}: perfkit's plain load + acquire fence against Agrona's volatile load;
 *   <li>{@code headers}: the in-progress marker and the final header of one record, as each ring
 *       buffer stores them (perfkit: release fence, long store, release fence, then release fence
 *       and long store; Agrona: ordered int, release fence, plain int, ordered int);
 *   <li>{@code copy64}: the 64-byte payload copy (perfkit from a {@code byte[]}, Agrona from an
 *       {@code UnsafeBuffer} over one, as {@code RingBufferBenchmark} writes them);
 *   <li>{@code tailReadView}, {@code headersView}, {@code copy64View}: the same three through a
 *       direct {@code ByteBuffer} (no {@code MemoryBuffer} checks), the way perfkit's ring buffers
 *       make these accesses since session 5 (their CAS still goes through the
 *       {@code MemoryBuffer}); Agrona's side is the same as above.
 * </ul>
 *
 * <pre>
 * java --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED \
 *   -cp perf-bench/target/benchmarks.jar io.perfkit.bench.memory.RingAccessCpuProbe [rounds=16]
 *   [opsPerRound=20000000]
 * </pre>
 */
public final class RingAccessCpuProbe {
  private static final int AREA = 128 * 1024;
  private static final int MASK = AREA - 1;
  private static final int STRIDE = 72;
  private static final int SLOT = AREA; // a trailer-like slot after the area
  private static final String[] OPS =
      {"cas", "tailRead", "headers", "copy64", "tailReadView", "headersView", "copy64View"};
  private static volatile long sink;

  private RingAccessCpuProbe() {}

  /**
   * Runs the probe.
   *
   * @param args rounds, operations per round (both optional)
   */
  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 16;
    int ops = args.length > 1 ? Integer.parseInt(args[1]) : 20_000_000;
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    MemoryBuffer ours = MemoryBuffer.allocateDirect(AREA + 128);
    UnsafeBuffer theirs = new UnsafeBuffer(ByteBuffer.allocateDirect(AREA + 128));
    ByteBuffer view = ByteBuffer.allocateDirect(AREA + 128 + 7).alignedSlice(8)
        .order(ByteOrder.LITTLE_ENDIAN);
    byte[] message = new byte[64];
    UnsafeBuffer theirMessage = new UnsafeBuffer(new byte[64]);
    int warm = Math.min(4, rounds / 4);
    List<List<Double>> perfkit = new ArrayList<>();
    List<List<Double>> agrona = new ArrayList<>();
    for (int o = 0; o < OPS.length; o++) {
      perfkit.add(new ArrayList<>());
      agrona.add(new ArrayList<>());
    }
    for (int r = 0; r < rounds; r++) {
      for (int o = 0; o < OPS.length; o++) {
        for (int side = 0; side < 2; side++) {
          boolean oursFirst = (r & 1) == 0;
          boolean runOurs = (side == 0) == oursFirst;
          long start = mx.getThreadCpuTime(id);
          // The *View operations compare with Agrona's same operation (tailRead, headers, copy64).
          int theirOp = o < 4 ? o : o - 3;
          sink += runOurs
              ? ours(o, ours, view, message, ops) : theirs(theirOp, theirs, theirMessage, ops);
          double perOp = (double) (mx.getThreadCpuTime(id) - start) / ops;
          if (r >= warm) {
            (runOurs ? perfkit : agrona).get(o).add(perOp);
          }
        }
      }
    }
    System.out.printf(Locale.US, "# %d rounds x %d ops after %d warm-up rounds; CPU ns per op,"
        + " median (q1-q3)%n", rounds - warm, ops, warm);
    System.out.println("op\tperfkit\tagrona\tperfkit/agrona");
    for (int o = 0; o < OPS.length; o++) {
      double[] p = sorted(perfkit.get(o));
      double[] a = sorted(agrona.get(o));
      System.out.printf(Locale.US, "%s\t%.2f (%.2f-%.2f)\t%.2f (%.2f-%.2f)\t%.2f%n", OPS[o],
          median(p), p[p.length / 4], p[3 * p.length / 4], median(a), a[a.length / 4],
          a[3 * a.length / 4], median(p) / median(a));
    }
  }

  private static double[] sorted(List<Double> values) {
    double[] out = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(out);
    return out;
  }

  private static double median(double[] sorted) {
    return sorted[sorted.length / 2];
  }

  private static long ours(int op, MemoryBuffer b, ByteBuffer view, byte[] message, int n) {
    switch (op) {
      case 0:
        return oursCas(b, n);
      case 1:
        return oursTailRead(b, n);
      case 2:
        return oursHeaders(b, n);
      case 3:
        return oursCopy(b, message, n);
      case 4:
        return viewTailRead(view, n);
      case 5:
        return viewHeaders(view, n);
      default:
        return viewCopy(view, message, n);
    }
  }

  private static long viewTailRead(ByteBuffer b, int n) {
    long sum = 0;
    for (int i = 0; i < n; i++) {
      sum += b.getLong(SLOT + ((i & 7) << 3));
      VarHandle.acquireFence();
    }
    return sum;
  }

  private static long viewHeaders(ByteBuffer b, int n) {
    int index = 0;
    for (int i = 0; i < n; i++) {
      index = (index + STRIDE) & MASK & -8;
      VarHandle.releaseFence();
      b.putLong(index, -72L & 0xFFFF_FFFFL | (1L << 32));
      VarHandle.releaseFence();
      VarHandle.releaseFence();
      b.putLong(index, 72L | (1L << 32));
    }
    return index;
  }

  private static long viewCopy(ByteBuffer b, byte[] message, int n) {
    int index = 0;
    for (int i = 0; i < n; i++) {
      index = (index + STRIDE) & MASK & -8;
      b.put(index + 8, message, 0, message.length);
    }
    return index;
  }

  private static long theirs(int op, UnsafeBuffer b, UnsafeBuffer message, int n) {
    switch (op) {
      case 0:
        return theirCas(b, n);
      case 1:
        return theirTailRead(b, n);
      case 2:
        return theirHeaders(b, n);
      default:
        return theirCopy(b, message, n);
    }
  }

  private static long oursCas(MemoryBuffer b, int n) {
    long tail = b.getLong(SLOT);
    for (int i = 0; i < n; i++) {
      if (b.compareAndSetLong(SLOT, tail, tail + STRIDE)) {
        tail += STRIDE;
      }
    }
    return tail;
  }

  private static long theirCas(UnsafeBuffer b, int n) {
    long tail = b.getLong(SLOT);
    for (int i = 0; i < n; i++) {
      if (b.compareAndSetLong(SLOT, tail, tail + STRIDE)) {
        tail += STRIDE;
      }
    }
    return tail;
  }

  private static long oursTailRead(MemoryBuffer b, int n) {
    long sum = 0;
    for (int i = 0; i < n; i++) {
      sum += b.getLong(SLOT + ((i & 7) << 3));
      VarHandle.acquireFence();
    }
    return sum;
  }

  private static long theirTailRead(UnsafeBuffer b, int n) {
    long sum = 0;
    for (int i = 0; i < n; i++) {
      sum += b.getLongVolatile(SLOT + ((i & 7) << 3));
    }
    return sum;
  }

  private static long oursHeaders(MemoryBuffer b, int n) {
    int index = 0;
    for (int i = 0; i < n; i++) {
      index = (index + STRIDE) & MASK & -8;
      VarHandle.releaseFence();
      b.putLong(index, -72L & 0xFFFF_FFFFL | (1L << 32));
      VarHandle.releaseFence();
      VarHandle.releaseFence();
      b.putLong(index, 72L | (1L << 32));
    }
    return index;
  }

  private static long theirHeaders(UnsafeBuffer b, int n) {
    int index = 0;
    for (int i = 0; i < n; i++) {
      index = (index + STRIDE) & MASK & -8;
      b.putIntRelease(index, -72);
      VarHandle.releaseFence();
      b.putInt(index + 4, 1);
      b.putIntRelease(index, 72);
    }
    return index;
  }

  private static long oursCopy(MemoryBuffer b, byte[] message, int n) {
    int index = 0;
    for (int i = 0; i < n; i++) {
      index = (index + STRIDE) & MASK & -8;
      b.putBytes(index + 8, message, 0, message.length);
    }
    return index;
  }

  private static long theirCopy(UnsafeBuffer b, UnsafeBuffer message, int n) {
    int index = 0;
    for (int i = 0; i < n; i++) {
      index = (index + STRIDE) & MASK & -8;
      b.putBytes(index + 8, message, 0, message.capacity());
    }
    return index;
  }
}
