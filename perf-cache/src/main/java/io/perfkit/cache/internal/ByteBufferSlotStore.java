package io.perfkit.cache.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A {@link SlotStore} over direct {@link ByteBuffer} slabs. The first slots, up to {@link
 * #FIRST_SLAB_BYTES} of them, may live in memory the tier allocates anyway (its metadata's one direct
 * buffer, see {@link #ByteBufferSlotStore(int, int, ByteBuffer, int, int, long)}), so they cost no heap
 * handles of their own; the rest are in slabs of up to {@link #MAX_SLAB_BYTES}, each allocated when a
 * slot in it is first used, so an unused part of the store costs no off-heap memory and no single put
 * zeroes more than one slab. The memory is returned when the buffers are garbage collected after
 * {@link #close()} (direct buffers cannot be freed eagerly without Unsafe). Slabs are in native byte
 * order; value views are big-endian.
 */
final class ByteBufferSlotStore implements SlotStore {
  /** The most bytes of slots a tier allocates with its metadata (build() zeroes them). */
  static final long FIRST_SLAB_BYTES = 16 << 20;
  /** The largest slab allocated on first use (that put zeroes it). */
  static final long MAX_SLAB_BYTES = 64 << 20;
  /** Long view of byte[] in the slabs' order (plain access: the key array is thread-confined). */
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

  private final int slotBytes;
  private final int slots;
  /** Slots in the shared first slab ({@code buffers[0]}), 0 without one. */
  private final int firstSlots;
  /** The byte offset of slot 0 in the shared first slab. */
  private final int base;
  /** Slots per slab after the first. */
  private final int slotsPerSlab;
  /**
   * Per slab, at {@code 2 * i} the slab and at {@code 2 * i + 1} its read-only view, repositioned for
   * each read (reads run under the tier's lock); slab 0 is the shared one. One array instead of two
   * saves the heap an array; each slab costs it ~200 bytes (a DirectByteBuffer, its Cleaner and
   * Deallocator, and the view), the store's only heap cost.
   */
  private ByteBuffer[] buffers;

  /**
   * A store of {@code slots} slots of {@code slotBytes} whose first {@code firstSlots} slots are the
   * bytes of {@code memory} (native byte order) from byte {@code base}, the rest allocated on first
   * use in slabs of up to {@code maxSlabBytes} (the tier passes {@link #MAX_SLAB_BYTES}).
   *
   * @throws IllegalArgumentException if {@code memory} is not in native order or too small
   */
  ByteBufferSlotStore(int slots, int slotBytes, ByteBuffer memory, int base, int firstSlots,
      long maxSlabBytes) {
    if (memory.order() != ByteOrder.nativeOrder() || base < 0 || firstSlots < 0
        || firstSlots > slots || (long) firstSlots * slotBytes > memory.capacity() - (long) base) {
      throw new IllegalArgumentException("memory: " + memory + " (expected: native order, "
          + firstSlots + " slots of " + slotBytes + " bytes from " + base + ")");
    }
    this.slotBytes = slotBytes;
    this.slots = slots;
    this.firstSlots = firstSlots;
    this.base = base;
    this.slotsPerSlab = (int) Math.max(1, maxSlabBytes / slotBytes);
    this.buffers = new ByteBuffer[2 * (1 + slabIndex(slots - 1))];
    buffers[0] = memory;
    buffers[1] = memory.asReadOnlyBuffer();
  }

  /** A store whose slabs are all allocated on first use. */
  ByteBufferSlotStore(int slots, int slotBytes) {
    this.slotBytes = slotBytes;
    this.slots = slots;
    this.firstSlots = 0;
    this.base = 0;
    this.slotsPerSlab = (int) Math.max(1, MAX_SLAB_BYTES / slotBytes);
    this.buffers = new ByteBuffer[2 * (1 + slabIndex(slots - 1))];
  }

  /** The number of a tier's first slots that fit in {@link #FIRST_SLAB_BYTES}. */
  static int firstSlots(int slots, int slotBytes) {
    return (int) Math.min(slots, FIRST_SLAB_BYTES / slotBytes);
  }

  @Override
  public int slotBytes() {
    return slotBytes;
  }

  private int slabIndex(int slot) {
    return slot < firstSlots ? 0 : 1 + (slot - firstSlots) / slotsPerSlab;
  }

  private ByteBuffer slab(int slot) {
    int index = slabIndex(slot);
    ByteBuffer slab = buffers[2 * index];
    if (slab == null) {
      // The last slab holds only the slots left.
      int slotsHere = (int) Math.min(slotsPerSlab,
          slots - firstSlots - (long) (index - 1) * slotsPerSlab);
      slab = ByteBuffer.allocateDirect(slotsHere * slotBytes).order(ByteOrder.nativeOrder());
      buffers[2 * index] = slab;
      buffers[2 * index + 1] = slab.asReadOnlyBuffer();
    }
    return slab;
  }

  private int offset(int slot) {
    return slot < firstSlots ? base + slot * slotBytes
        : ((slot - firstSlots) % slotsPerSlab) * slotBytes;
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
