package io.perfkit.cache.internal;

import io.perfkit.core.internal.Checks;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A {@link SlotStore} over direct {@link ByteBuffer} memory, all of it allocated (and so zeroed) at
 * construction, as Ehcache 3's off-heap tier reserves its memory up front: no write ever allocates or
 * zeroes memory, so no put stalls on first touching part of the store. Either every slot lives in
 * memory the tier allocates anyway (its metadata's one direct buffer, see {@link
 * #ByteBufferSlotStore(int, int, ByteBuffer, int)}), so the store costs no heap handles of its own, or,
 * for a store that does not fit there (a direct buffer holds less than 2 GiB), in slabs of up to
 * {@link #MAX_SLAB_BYTES} allocated by {@link #ByteBufferSlotStore(int, int, long)}. The memory is
 * returned when the buffers are garbage collected after {@link #close()} (direct buffers cannot be
 * freed eagerly without Unsafe). Slabs are in native byte order; value views are big-endian.
 */
final class ByteBufferSlotStore implements SlotStore {
  /** The largest slab of a store that does not fit in its tier's metadata buffer: 1 GiB. */
  static final long MAX_SLAB_BYTES = 1L << 30;
  /** Long view of byte[] in the slabs' order (plain access: the key array is thread-confined). */
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

  private final int slotBytes;
  /** The byte offset of slot 0 in slab 0 (0 unless the store shares its tier's buffer). */
  private final int base;
  /** Slots per slab (the last may hold fewer); all of them when the store shares its tier's buffer. */
  private final int slotsPerSlab;
  /**
   * Per slab, at {@code 2 * i} the slab and at {@code 2 * i + 1} its read-only view, repositioned for
   * each read (reads run under the tier's lock). One array instead of two saves the heap an array;
   * each slab of its own costs it ~200 bytes (a DirectByteBuffer, its Cleaner and Deallocator, and the
   * view), the store's only heap cost; a shared slab costs only its view.
   */
  private ByteBuffer[] buffers;

  /**
   * A store of {@code slots} slots of {@code slotBytes}, all of them the bytes of {@code memory}
   * (native byte order) from byte {@code base}.
   *
   * @throws IllegalArgumentException if {@code memory} is not in native order or too small
   */
  ByteBufferSlotStore(int slots, int slotBytes, ByteBuffer memory, int base) {
    if (memory.order() != ByteOrder.nativeOrder() || base < 0 || slots <= 0
        || (long) slots * slotBytes > memory.capacity() - (long) base) {
      throw new IllegalArgumentException("memory: " + memory + " (expected: native order, "
          + slots + " slots of " + slotBytes + " bytes from " + base + ")");
    }
    this.slotBytes = slotBytes;
    this.base = base;
    this.slotsPerSlab = slots;
    this.buffers = new ByteBuffer[] {memory, memory.asReadOnlyBuffer()};
  }

  /**
   * A store of {@code slots} slots of {@code slotBytes} in slabs of its own of up to {@code
   * maxSlabBytes} each (at least one slot), all allocated now (the tier passes {@link
   * #MAX_SLAB_BYTES}).
   *
   * @throws IllegalArgumentException if {@code slots <= 0} or a slab would not fit in a buffer
   */
  ByteBufferSlotStore(int slots, int slotBytes, long maxSlabBytes) {
    Checks.checkPositive(slots, "slots");
    int perSlab = (int) Math.min(slots, Math.max(1, maxSlabBytes / slotBytes));
    Checks.checkInRange((long) perSlab * slotBytes, 1, Integer.MAX_VALUE, "slab bytes");
    this.slotBytes = slotBytes;
    this.base = 0;
    this.slotsPerSlab = perSlab;
    int slabs = (int) ((slots + (long) perSlab - 1) / perSlab);
    ByteBuffer[] all = new ByteBuffer[2 * slabs];
    for (int i = 0; i < slabs; i++) {
      // The last slab holds only the slots left.
      int slotsHere = (int) Math.min(perSlab, slots - (long) i * perSlab);
      ByteBuffer slab = ByteBuffer.allocateDirect(slotsHere * slotBytes).order(ByteOrder.nativeOrder());
      all[2 * i] = slab;
      all[2 * i + 1] = slab.asReadOnlyBuffer();
    }
    this.buffers = all;
  }

  @Override
  public int slotBytes() {
    return slotBytes;
  }

  private int slabIndex(int slot) {
    // The compare spares a shared store (every slot in slab 0) the division.
    return slot < slotsPerSlab ? 0 : slot / slotsPerSlab;
  }

  private ByteBuffer slab(int slot) {
    return buffers[2 * slabIndex(slot)];
  }

  private int offset(int slot) {
    return slot < slotsPerSlab ? base + slot * slotBytes : (slot % slotsPerSlab) * slotBytes;
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
    ByteBuffer view = buffers[2 * slabIndex(slot) + 1];
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
