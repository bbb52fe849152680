package io.perfkit.cache.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A {@link SlotStore} over direct {@link ByteBuffer} slabs. A store of up to {@link #ONE_SLAB_BYTES}
 * is one slab, which its tier allocates with its metadata (one direct buffer, see {@link
 * #ByteBufferSlotStore(int, int, ByteBuffer, int)}); a larger one allocates its slabs lazily as slots
 * are first used, two halves for a store of up to 128 MiB, else slabs of 64 MiB. The memory is
 * returned when the buffers are garbage collected after {@link #close()} (direct buffers cannot be
 * freed eagerly without Unsafe). Slabs are in native byte order; value views are big-endian.
 */
final class ByteBufferSlotStore implements SlotStore {
  /** The largest store that is one slab. */
  static final long ONE_SLAB_BYTES = 16 << 20;
  /** The largest slab of a store that is more than two of them. */
  private static final long MAX_SLAB_BYTES = 64 << 20;
  /** Long view of byte[] in the slabs' order (plain access: the key array is thread-confined). */
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

  private final int slotBytes;
  private final int slots;
  private final int slotsPerSlab;
  /** The byte offset of slot 0 in the first slab (non-zero only in a slab shared with metadata). */
  private final int base;
  /**
   * Per slab, at {@code 2 * i} the slab and at {@code 2 * i + 1} its read-only view, repositioned for
   * each read (reads run under the tier's lock); one array instead of two saves the heap an array.
   */
  private ByteBuffer[] buffers;

  /**
   * A store of {@code slots * slotBytes} bytes of {@code memory} (native byte order) from byte
   * {@code base}: one slab that shares its direct buffer, and so its heap handles, with other data.
   */
  ByteBufferSlotStore(int slots, int slotBytes, ByteBuffer memory, int base) {
    if (memory.order() != ByteOrder.nativeOrder() || base < 0
        || (long) slots * slotBytes > memory.capacity() - (long) base) {
      throw new IllegalArgumentException("memory: " + memory + " (expected: native order, "
          + slots + " slots of " + slotBytes + " bytes from " + base + ")");
    }
    this.slotBytes = slotBytes;
    this.slots = slots;
    this.slotsPerSlab = Math.max(1, slots);
    this.base = base;
    this.buffers = new ByteBuffer[] {memory, memory.asReadOnlyBuffer()};
  }

  /** A store whose slabs are allocated on first use. */
  ByteBufferSlotStore(int slots, int slotBytes) {
    this.slotBytes = slotBytes;
    this.slots = slots;
    this.base = 0;
    // Each slab costs the heap ~200 bytes (its DirectByteBuffer, Cleaner and Deallocator, and the
    // read view), the store's only heap cost, and allocateDirect zeroes it on the put that first
    // uses it: a store up to ONE_SLAB_BYTES is one slab, one up to 2 * MAX_SLAB_BYTES two halves (with
    // 100-byte values a half is about the size of the tier's metadata, which build() zeroes), a
    // larger one slabs of MAX_SLAB_BYTES, so no put zeroes more than 64 MiB.
    long storeBytes = (long) slots * slotBytes;
    long perSlab = storeBytes <= ONE_SLAB_BYTES ? slots
        : storeBytes <= 2 * MAX_SLAB_BYTES ? (slots + 1L) / 2
        : MAX_SLAB_BYTES / slotBytes;
    this.slotsPerSlab = (int) Math.max(1, perSlab);
    this.buffers = new ByteBuffer[2 * (int) ((slots + (long) slotsPerSlab - 1) / slotsPerSlab)];
  }

  @Override
  public int slotBytes() {
    return slotBytes;
  }

  private ByteBuffer slab(int slot) {
    int index = slot / slotsPerSlab;
    ByteBuffer slab = buffers[2 * index];
    if (slab == null) {
      // The last slab holds only the slots left.
      int slotsHere = (int) Math.min(slotsPerSlab, slots - (long) index * slotsPerSlab);
      slab = ByteBuffer.allocateDirect(slotsHere * slotBytes).order(ByteOrder.nativeOrder());
      buffers[2 * index] = slab;
      buffers[2 * index + 1] = slab.asReadOnlyBuffer();
    }
    return slab;
  }

  private int offset(int slot) {
    return base + (slot % slotsPerSlab) * slotBytes;
  }

  @Override
  public void write(int slot, int hash, byte[] key, byte[] value, long writeNanos,
      long expiresAtNanos) {
    ByteBuffer slab = slab(slot);
    int offset = offset(slot);
    slab.putInt(offset, key.length);
    slab.putInt(offset + 4, value.length);
    slab.putInt(offset + 8, hash);
    slab.putLong(offset + 16, writeNanos);
    slab.putLong(offset + 24, expiresAtNanos);
    slab.put(offset + HEADER_BYTES, key);
    slab.put(offset + HEADER_BYTES + key.length, value);
  }

  @Override
  public int hash(int slot) {
    return slab(slot).getInt(offset(slot) + 8);
  }

  @Override
  public long writeNanos(int slot) {
    return slab(slot).getLong(offset(slot) + 16);
  }

  @Override
  public long expiresAtNanos(int slot) {
    return slab(slot).getLong(offset(slot) + 24);
  }

  @Override
  public void expiresAtNanos(int slot, long nanos) {
    slab(slot).putLong(offset(slot) + 24, nanos);
  }

  @Override
  public byte[] key(int slot) {
    ByteBuffer slab = slab(slot);
    int offset = offset(slot);
    byte[] key = new byte[slab.getInt(offset)];
    slab.get(offset + HEADER_BYTES, key);
    return key;
  }

  @Override
  public boolean keyEquals(int slot, byte[] key) {
    ByteBuffer slab = slab(slot);
    int offset = offset(slot);
    if (slab.getInt(offset) != key.length) {
      return false;
    }
    int at = offset + HEADER_BYTES;
    int i = 0;
    for (; i + Long.BYTES <= key.length; i += Long.BYTES) {
      if (slab.getLong(at + i) != (long) LONGS.get(key, i)) {
        return false;
      }
    }
    for (; i < key.length; i++) {
      if (slab.get(at + i) != key[i]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public ByteBuffer value(int slot) {
    ByteBuffer slab = slab(slot);
    int offset = offset(slot);
    int keyLength = slab.getInt(offset);
    int valueLength = slab.getInt(offset + 4);
    ByteBuffer view = buffers[2 * (slot / slotsPerSlab) + 1];
    int start = offset + HEADER_BYTES + keyLength;
    view.clear();
    view.position(start).limit(start + valueLength);
    return view;
  }

  @Override
  public void close() {
    buffers = new ByteBuffer[0];
  }
}
