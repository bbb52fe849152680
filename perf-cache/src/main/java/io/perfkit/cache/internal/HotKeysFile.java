package io.perfkit.cache.internal;

import io.perfkit.cache.Serializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Saves and reads a cache's hot-key list: {@code magic "PKHOTKEY" | count | (length | key bytes)* |
 * crc32c of everything before}. Written to a temporary file and renamed over the old one, so a crash
 * leaves either list whole; a list that fails its checksum reads as empty.
 *
 * <p><b>Threading:</b> stateless; concurrent saves to one path are not coordinated.
 */
public final class HotKeysFile {
  private static final long MAGIC = 0x5945_4B54_4F48_4B50L;

  private HotKeysFile() {}

  /**
   * Writes {@code keys} (those the serializer fails on are skipped).
   *
   * @throws UncheckedIOException if the file cannot be written
   */
  public static <K> void save(Path path, Collection<K> keys, Serializer<K> serializer) {
    List<byte[]> encoded = new ArrayList<>();
    long bytes = 8 + 4 + 4;
    for (K key : keys) {
      try {
        byte[] b = serializer.serialize(key);
        if (b != null) {
          encoded.add(b);
          bytes += 4 + b.length;
        }
      } catch (RuntimeException skipped) {
        // a key that cannot be serialised is simply not remembered
      }
    }
    ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(bytes));
    buffer.putLong(MAGIC).putInt(encoded.size());
    for (byte[] b : encoded) {
      buffer.putInt(b.length).put(b);
    }
    CRC32C crc = new CRC32C();
    crc.update(buffer.array(), 0, buffer.position());
    buffer.putInt((int) crc.getValue());
    Path temporary = path.resolveSibling(path.getFileName() + ".tmp");
    try {
      Files.write(temporary, buffer.array());
      Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the hot-key list " + path, e);
    }
  }

  /**
   * Reads the list; a missing, truncated or corrupt file, or a key the serializer rejects, gives
   * what could be read safely (an empty list if the checksum fails).
   */
  public static <K> List<K> read(Path path, Serializer<K> serializer) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the hot-key list " + path, e);
    }
    if (bytes.length < 16) {
      return List.of();
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    if ((int) crc.getValue() != buffer.getInt(bytes.length - 4) || buffer.getLong() != MAGIC) {
      return List.of();
    }
    int count = buffer.getInt();
    List<K> keys = new ArrayList<>();
    for (int i = 0; i < count && buffer.remaining() >= 8; i++) {
      int length = buffer.getInt();
      if (length < 0 || length > buffer.remaining() - 4) {
        break;
      }
      ByteBuffer key = buffer.slice(buffer.position(), length).asReadOnlyBuffer();
      buffer.position(buffer.position() + length);
      try {
        K k = serializer.deserialize(key);
        if (k != null) {
          keys.add(k);
        }
      } catch (RuntimeException skipped) {
        // a key the current serializer cannot read is not warmed
      }
    }
    return List.copyOf(keys);
  }
}
