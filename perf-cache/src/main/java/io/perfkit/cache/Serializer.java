package io.perfkit.cache;

import io.perfkit.cache.internal.BuiltInSerializers;
import java.nio.ByteBuffer;

/**
 * Converts keys or values to bytes for the tiers that store bytes (the off-heap tier), and back.
 *
 * <p><b>Threading:</b> implementations must be thread-safe and should be stateless. {@link
 * #deserialize(ByteBuffer)} is called while the off-heap tier's lock is held, directly over the
 * off-heap bytes (the one copy a read makes), so it must be quick and must not call back into the
 * cache.
 *
 * <p><b>Failure:</b> a serializer that throws or returns {@code null} never corrupts the cache: the
 * entry concerned is not stored (or is removed), the failure is counted in {@code
 * TieredCacheStats.serializationFailureCount()}, and on a read the exception reaches the caller.
 *
 * @param <T> the serialised type
 */
public interface Serializer<T> {
  /**
   * Returns the bytes of {@code value}; the array is copied, so it may be reused by the caller afterwards.
   *
   * @param value a non-null value
   * @return its bytes, never {@code null}
   */
  byte[] serialize(T value);

  /**
   * Reads a value from {@code bytes} (its position to its limit: exactly what {@link #serialize}
   * returned). The buffer is a read-only view valid only during this call.
   *
   * @param bytes the serialised form
   * @return the value, never {@code null}
   */
  T deserialize(ByteBuffer bytes);

  /** Returns a serializer of strings as UTF-8. */
  static Serializer<String> string() {
    return BuiltInSerializers.STRING;
  }

  /** Returns a serializer of byte arrays (stored as they are; reads return a fresh copy). */
  static Serializer<byte[]> byteArray() {
    return BuiltInSerializers.BYTE_ARRAY;
  }

  /** Returns a serializer of longs as 8 big-endian bytes. */
  static Serializer<Long> longs() {
    return BuiltInSerializers.LONG;
  }

  /** Returns a serializer of integers as 4 big-endian bytes. */
  static Serializer<Integer> integers() {
    return BuiltInSerializers.INTEGER;
  }
}
