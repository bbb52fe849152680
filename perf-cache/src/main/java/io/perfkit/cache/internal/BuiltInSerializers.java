package io.perfkit.cache.internal;

import io.perfkit.cache.Serializer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** The serializers returned by {@link Serializer}'s factory methods. Stateless, thread-safe. */
public final class BuiltInSerializers {
  private BuiltInSerializers() {}

  /** UTF-8 strings. */
  public static final Serializer<String> STRING = new Serializer<>() {
    @Override
    public byte[] serialize(String value) {
      return value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String deserialize(ByteBuffer bytes) {
      byte[] array = new byte[bytes.remaining()];
      bytes.get(array);
      return new String(array, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return "Serializer.string()";
    }
  };

  /** Byte arrays, verbatim. */
  public static final Serializer<byte[]> BYTE_ARRAY = new Serializer<>() {
    @Override
    public byte[] serialize(byte[] value) {
      return value;
    }

    @Override
    public byte[] deserialize(ByteBuffer bytes) {
      byte[] array = new byte[bytes.remaining()];
      bytes.get(array);
      return array;
    }

    @Override
    public String toString() {
      return "Serializer.byteArray()";
    }
  };

  /** Longs, 8 bytes big-endian. */
  public static final Serializer<Long> LONG = new Serializer<>() {
    @Override
    public byte[] serialize(Long value) {
      return ByteBuffer.allocate(Long.BYTES).putLong(0, value).array();
    }

    @Override
    public Long deserialize(ByteBuffer bytes) {
      if (bytes.remaining() != Long.BYTES) {
        throw new IllegalArgumentException("bytes: " + bytes.remaining() + " (expected: 8)");
      }
      return bytes.getLong(bytes.position());
    }

    @Override
    public String toString() {
      return "Serializer.longs()";
    }
  };

  /** Integers, 4 bytes big-endian. */
  public static final Serializer<Integer> INTEGER = new Serializer<>() {
    @Override
    public byte[] serialize(Integer value) {
      return ByteBuffer.allocate(Integer.BYTES).putInt(0, value).array();
    }

    @Override
    public Integer deserialize(ByteBuffer bytes) {
      if (bytes.remaining() != Integer.BYTES) {
        throw new IllegalArgumentException("bytes: " + bytes.remaining() + " (expected: 4)");
      }
      return bytes.getInt(bytes.position());
    }

    @Override
    public String toString() {
      return "Serializer.integers()";
    }
  };
}
