package io.perfkit.cache.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.perfkit.cache.Serializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.UniqueElements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class PersistentTierTest {
  private static final int SLOT = 96;
  private static final long NOW = 1_700_000_000_000L;
  private static final Serializer<byte[]> BYTES = Serializer.byteArray();

  @TempDir
  Path dir;

  private static PersistentTier open(Path path, int capacity) {
    return new PersistentTier(path, capacity, SLOT, Long.MAX_VALUE, 0, NOW);
  }

  private static byte[] key(int i) {
    return ("key-" + i).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] value(int i) {
    byte[] value = new byte[i % 40];
    for (int j = 0; j < value.length; j++) {
      value[j] = (byte) (i * 31 + j);
    }
    return value;
  }

  private static byte[] get(PersistentTier tier, int i) {
    PersistentTier.Hit<byte[]> hit = tier.get(key(i), BYTES, NOW);
    return hit == null ? null : hit.value();
  }

  @Test
  void reopen_servesWhatWasThere() {
    Path path = dir.resolve("l3");
    try (PersistentTier tier = open(path, 64)) {
      for (int i = 0; i < 50; i++) {
        assertTrue(tier.put(key(i), ByteBuffer.wrap(value(i)), NOW));
      }
      tier.remove(key(7));
      tier.put(key(8), ByteBuffer.wrap(value(99)), NOW);
    }
    try (PersistentTier tier = open(path, 64)) {
      assertEquals(49, tier.size());
      assertEquals(49, tier.counters()[2]);
      assertEquals(0, tier.counters()[1]);
      for (int i = 0; i < 50; i++) {
        byte[] expected = i == 7 ? null : i == 8 ? value(99) : value(i);
        assertArrayEquals(expected, get(tier, i), "key " + i);
      }
    }
  }

  @Test
  void full_evictsByClockAndKeepsReferencedEntries() {
    try (PersistentTier tier = open(dir.resolve("l3"), 8)) {
      for (int i = 0; i < 8; i++) {
        tier.put(key(i), ByteBuffer.wrap(value(i)), NOW);
      }
      assertArrayEquals(value(0), get(tier, 0)); // referenced: survives one sweep
      tier.put(key(100), ByteBuffer.wrap(value(100)), NOW);
      assertEquals(8, tier.size());
      assertEquals(1, tier.counters()[0]);
      assertArrayEquals(value(0), get(tier, 0));
      assertNull(get(tier, 1)); // first unreferenced slot under the hand
      assertArrayEquals(value(100), get(tier, 100));
    }
  }

  @Test
  void expiry_usesWallClockAcrossReopen() {
    Path path = dir.resolve("l3");
    try (PersistentTier tier = new PersistentTier(path, 8, SLOT, 1_000, 0, NOW)) {
      tier.put(key(1), ByteBuffer.wrap(value(1)), NOW);
      tier.put(key(2), ByteBuffer.wrap(value(2)), NOW - 500);
      assertArrayEquals(value(1), tier.get(key(1), BYTES, NOW + 999).value());
      assertNull(tier.get(key(2), BYTES, NOW + 500));
    }
    try (PersistentTier tier = new PersistentTier(path, 8, SLOT, 1_000, 0, NOW + 1_000)) {
      assertEquals(0, tier.size());
    }
  }

  @Test
  void put_oversize_isRefusedAndRemovesTheOldRecord() {
    try (PersistentTier tier = open(dir.resolve("l3"), 8)) {
      tier.put(key(1), ByteBuffer.wrap(value(1)), NOW);
      assertFalse(tier.put(key(1), ByteBuffer.wrap(new byte[SLOT]), NOW));
      assertNull(get(tier, 1));
      assertEquals(0, tier.size());
    }
  }

  @Test
  void promoteAfterHits_reportsTheNthHit_andTakeRemovesTheRecord() {
    try (PersistentTier tier = new PersistentTier(dir.resolve("l3"), 8, SLOT, Long.MAX_VALUE, 2,
        NOW)) {
      tier.put(key(1), ByteBuffer.wrap(value(1)), NOW - 5);
      PersistentTier.Hit<byte[]> first = tier.get(key(1), BYTES, NOW);
      assertFalse(first.promote());
      PersistentTier.Hit<byte[]> second = tier.get(key(1), BYTES, NOW);
      assertTrue(second.promote());
      assertEquals(NOW - 5, second.writeMillis());
      assertEquals(1, tier.size(), "the record stays until the caller takes it");
      PersistentTier.Hit<byte[]> taken = tier.take(key(1), BYTES, NOW);
      assertArrayEquals(value(1), taken.value());
      assertEquals(NOW - 5, taken.writeMillis());
      assertEquals(0, tier.size());
      assertNull(tier.take(key(1), BYTES, NOW));
    }
  }

  @Test
  void otherGeometry_reformatsTheFile() {
    Path path = dir.resolve("l3");
    try (PersistentTier tier = open(path, 8)) {
      tier.put(key(1), ByteBuffer.wrap(value(1)), NOW);
    }
    try (PersistentTier tier = open(path, 16)) {
      assertEquals(0, tier.size());
      assertNull(get(tier, 1));
    }
  }

  @Test
  void secondOpenWhileOpen_isRefused() {
    Path path = dir.resolve("l3");
    try (PersistentTier tier = open(path, 8)) {
      UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> open(path, 8));
      assertTrue(e.getCause().getMessage().contains("in use"), e.getCause().getMessage());
      tier.put(key(1), ByteBuffer.wrap(value(1)), NOW);
    }
    try (PersistentTier tier = open(path, 8)) {
      assertArrayEquals(value(1), get(tier, 1));
    }
  }

  @Test
  void directory_isRefused() throws IOException {
    Path path = Files.createDirectory(dir.resolve("l3"));
    assertThrows(UncheckedIOException.class, () -> open(path, 8));
  }

  @Test
  void closed_operationsThrow() {
    PersistentTier tier = open(dir.resolve("l3"), 8);
    tier.close();
    tier.close();
    assertThrows(IllegalStateException.class, () -> get(tier, 1));
    assertThrows(IllegalStateException.class,
        () -> tier.put(key(1), ByteBuffer.wrap(value(1)), NOW));
    assertThrows(IllegalStateException.class, () -> tier.remove(key(1)));
    assertThrows(IllegalStateException.class, tier::clear);
  }

  @Test
  void throwingSerializer_removesTheEntry() {
    try (PersistentTier tier = open(dir.resolve("l3"), 8)) {
      tier.put(key(1), ByteBuffer.wrap(value(1)), NOW);
      Serializer<byte[]> broken = new Serializer<>() {
        @Override
        public byte[] serialize(byte[] value) {
          return value;
        }

        @Override
        public byte[] deserialize(ByteBuffer bytes) {
          throw new IllegalArgumentException("bad bytes");
        }
      };
      assertThrows(IllegalArgumentException.class, () -> tier.get(key(1), broken, NOW));
      assertNull(get(tier, 1));
    }
  }

  // --------------- crash recovery ---------------

  /** Slot i holds key i when keys 0..n-1 were put into an empty tier in order. */
  private static long recordStart(int i) {
    return 64 + (long) i * SLOT;
  }

  private static long recordEnd(int i) {
    return recordStart(i) + PersistentTier.HEADER_BYTES + key(i).length + value(i).length;
  }

  /**
   * Flips bytes at distinct random positions (a repeated position would flip a byte back) of a file
   * of n records, reopens: a record is served iff none of
   * its bytes was touched, and then with exactly its value; a damaged file header empties the store.
   */
  @Property(tries = 60)
  void corruptBytes_neverServesACorruptValue(@ForAll @IntRange(min = 1, max = 40) int n,
      @ForAll @Size(min = 1, max = 6) @UniqueElements List<@IntRange(min = 0, max = 64 + 40 * SLOT - 1) Integer>
          positions,
      @ForAll @IntRange(min = 1, max = 255) int flip) throws IOException {
    // jqwik does not inject JUnit's @TempDir: a temporary file of our own, deleted at the end.
    Path path = Files.createTempFile("perfkit-l3", ".dat");
    try {
      corruptAndCheck(path, n, positions, flip);
    } finally {
      Files.deleteIfExists(path);
      Files.deleteIfExists(Path.of(path + ".lock"));
    }
  }

  private static void corruptAndCheck(Path path, int n, List<Integer> positions, int flip)
      throws IOException {
    try (PersistentTier tier = open(path, 40)) {
      for (int i = 0; i < n; i++) {
        tier.put(key(i), ByteBuffer.wrap(value(i)), NOW);
      }
    }
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      for (int position : positions) {
        ByteBuffer one = ByteBuffer.allocate(1);
        channel.read(one, position);
        one.put(0, (byte) (one.get(0) ^ flip));
        one.rewind();
        channel.write(one, position);
      }
    }
    boolean headerHit = positions.stream().anyMatch(p -> p < 24);
    try (PersistentTier tier = open(path, 40)) {
      int served = 0;
      for (int i = 0; i < n; i++) {
        final int k = i;
        boolean touched = positions.stream()
            .anyMatch(p -> p >= recordStart(k) && p < recordEnd(k));
        byte[] got = get(tier, i);
        if (got != null) {
          served++;
          assertArrayEquals(value(i), got, "key " + i);
        }
        if (headerHit || touched) {
          assertNull(got, "damaged key " + i + " served");
        } else {
          assertArrayEquals(value(i), got, "intact key " + i + " lost");
        }
      }
      assertEquals(served, tier.size());
    }
  }

  /** Truncates the file at a random length (a crash mid-extension): intact records survive. */
  @Property(tries = 40)
  void truncate_keepsOnlyWholeRecords(@ForAll @IntRange(min = 1, max = 40) int n,
      @ForAll @IntRange(min = 0, max = 64 + 40 * SLOT) int length) throws IOException {
    Path path = Files.createTempFile("perfkit-l3", ".dat");
    try {
      truncateAndCheck(path, n, length);
    } finally {
      Files.deleteIfExists(path);
      Files.deleteIfExists(Path.of(path + ".lock"));
    }
  }

  private static void truncateAndCheck(Path path, int n, int length) throws IOException {
    try (PersistentTier tier = open(path, 40)) {
      for (int i = 0; i < n; i++) {
        tier.put(key(i), ByteBuffer.wrap(value(i)), NOW);
      }
    }
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
      channel.truncate(length);
    }
    List<Integer> lost = new ArrayList<>();
    try (PersistentTier tier = open(path, 40)) {
      for (int i = 0; i < n; i++) {
        byte[] got = get(tier, i);
        boolean whole = length >= 24 && recordEnd(i) <= length;
        if (whole) {
          assertArrayEquals(value(i), got, "intact key " + i);
        } else if (got != null) {
          assertArrayEquals(value(i), got, "key " + i);
        } else {
          lost.add(i);
        }
      }
    }
    for (int i : lost) {
      assertTrue(length < 24 || recordEnd(i) > length, "lost " + i);
    }
  }
}
