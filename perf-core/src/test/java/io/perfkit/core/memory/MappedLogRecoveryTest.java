package io.perfkit.core.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Recovery after damage to the tail of a {@link MappedLog}: for a byte flipped, or the file cut, at
 * every byte of the last records, reopening yields exactly the records that precede the damage.
 * Payload bytes are never zero, so every cut changes a record that extends past it.
 */
final class MappedLogRecoveryTest {
  private static final int SEGMENT = 64 * 1024;

  /** A written log: the records and their positions. */
  private record Written(Path dir, List<byte[]> records, List<Long> positions) {
    Path lastSegment() throws IOException {
      try (Stream<Path> files = Files.list(dir)) {
        return files.filter(p -> p.toString().endsWith(".seg")).max(Comparator.naturalOrder())
            .orElseThrow();
      }
    }
  }

  private static byte[] payload(int i, int length) {
    byte[] bytes = new byte[length];
    for (int k = 0; k < length; k++) {
      bytes[k] = (byte) (1 + (i * 31 + k) % 255);
    }
    return bytes;
  }

  private static Written write(Path dir, List<Integer> lengths) throws IOException {
    List<byte[]> records = new ArrayList<>();
    List<Long> positions = new ArrayList<>();
    try (MappedLog log = MappedLog.newBuilder(dir).segmentSize(SEGMENT).open()) {
      for (int i = 0; i < lengths.size(); i++) {
        byte[] record = payload(i, lengths.get(i));
        records.add(record);
        positions.add(log.append(record));
      }
    }
    return new Written(dir, records, positions);
  }

  private static Path copy(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        if (!p.getFileName().toString().equals("lock")) {
          Files.copy(p, to.resolve(p.getFileName()));
        }
      }
    }
    return to;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }

  /**
   * Damages a copy of the log at {@code position} (flip or cut) and checks what reopening keeps.
   */
  private static void damageAndCheck(Written written, long position, boolean cut, Path scratch)
      throws IOException {
    Path dir = copy(written.dir, scratch);
    try {
      Path segment = new Written(dir, written.records, written.positions).lastSegment();
      long base = Long.parseLong(segment.getFileName().toString().substring(0, 20));
      long offsetInFile = position - base;
      try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
        if (cut) {
          file.setLength(offsetInFile);
        } else {
          file.seek(offsetInFile);
          int b = file.read();
          file.seek(offsetInFile);
          file.write(b ^ 0x5A);
        }
      }
      // Expected survivors: records wholly before the damage; a flip in padding harms nothing.
      int expected = 0;
      boolean inPadding = false;
      for (int i = 0; i < written.records.size(); i++) {
        long start = written.positions.get(i);
        long frameEnd = start + 8 + written.records.get(i).length;
        if (frameEnd <= position) {
          expected++;
          long paddedEnd = start + LogDescriptor.align(8 + written.records.get(i).length);
          if (position < paddedEnd) {
            inPadding = true;
          }
        } else {
          break;
        }
      }
      if (!cut && inPadding) {
        expected = written.records.size();
      }
      try (MappedLog log = MappedLog.newBuilder(dir).segmentSize(SEGMENT).open()) {
        List<byte[]> all = LogRecords.readAll(log);
        String what = (cut ? "cut" : "flip") + " at " + position;
        assertEquals(expected, all.size(), what);
        for (int i = 0; i < all.size(); i++) {
          assertArrayEquals(written.records.get(i), all.get(i), what + ", record " + i);
        }
        if (expected < written.records.size()) {
          assertTrue(log.recovery().truncated(), what);
          assertEquals(written.positions.get(expected), log.endPosition(), what);
          // The log keeps working where the damage was cut off.
          long p = log.append(new byte[] {42});
          assertEquals(written.positions.get(expected), p);
        } else {
          // A cut in the last record's padding shortened the file: reported, nothing lost.
          assertEquals(cut, log.recovery().truncated(), what);
        }
      }
      List<byte[]> again = LogRecords.reopenAndReadAll(dir);
      int n = written.records.size();
      assertEquals(expected < n ? expected + 1 : n, again.size());
    } finally {
      deleteTree(dir);
    }
  }

  @Test
  void everyByteOfLastThreeRecords_flippedOrCut() throws IOException {
    Path root = Files.createTempDirectory("log-recovery");
    try {
      List<Integer> lengths = new ArrayList<>();
      for (int i = 0; i < 900; i++) {
        lengths.add((i * 37) % 101); // ~ 56 KiB
      }
      // Small last records keep the exhaustive sweep short (one reopen per byte and mode).
      lengths.addAll(List.of(5, 17, 0, 30));
      Written written = write(root.resolve("log"), lengths);
      long from = written.positions.get(written.positions.size() - 4);
      long to = written.positions.get(written.positions.size() - 1)
          + LogDescriptor.align(8 + lengths.get(lengths.size() - 1));
      int cases = 0;
      for (long p = from; p < to; p++) {
        damageAndCheck(written, p, false, root.resolve("case" + cases++));
        damageAndCheck(written, p, true, root.resolve("case" + cases++));
      }
      assertTrue(cases > 100);
    } finally {
      deleteTree(root);
    }
  }

  @Provide
  Arbitrary<List<Integer>> lengths() {
    return Arbitraries.integers().between(0, 2000).list().ofMinSize(1).ofMaxSize(50);
  }

  @Property(tries = 30)
  void randomDamageInTail_keepsExactlyThePrefix(
      @ForAll("lengths") List<Integer> lengths,
      @ForAll @IntRange(min = 0, max = 10_000) int where,
      @ForAll boolean cut) throws IOException {
    Path root = Files.createTempDirectory("log-prop");
    try {
      Written written = write(root.resolve("log"), lengths);
      int n = lengths.size();
      long from = written.positions.get(Math.max(0, n - 3));
      long to = written.positions.get(n - 1) + LogDescriptor.align(8 + lengths.get(n - 1));
      // Damage must fall in the last segment (the helper edits that file).
      long lastBase = (written.positions.get(n - 1) / SEGMENT) * SEGMENT;
      from = Math.max(from, lastBase + LogDescriptor.SEGMENT_HEADER_LENGTH);
      long position = from + (where % (to - from));
      damageAndCheck(written, position, cut, root.resolve("case"));
    } finally {
      deleteTree(root);
    }
  }
}
