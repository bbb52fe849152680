package io.perfkit.cache.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A {@link SlotStore} over direct {@link ByteBuffer} slabs, allocated lazily as slots are first used,
 * so an empty tier costs no off-heap memory: one slab for a store of up to 16 MiB, else slabs of a
 * quarter of the store (at least 8 MiB, below 2 GiB). The memory is returned when the buffers are
 * garbage collected after {@link #close()} (direct buffers cannot be freed eagerly without Unsafe).
 */
final class ByteBufferSlotStore implements SlotStore {
  private static final int SLAB_BYTES = 8 << 20;
  /** Big-endian long view of byte[] (plain access: the key array is thread-confined). */
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private final int slotBytes;
  private final int slots;
  private final int slotsPerSlab;
  private ByteBuffer[] slabs;
  /** One read-only view per slab, repositioned for each read (reads run under the tier's lock). */
  private ByteBuffer[] views;

  ByteBufferSlotStore(int slots, int slotBytes) {
    this.slotBytes = slotBytes;
    this.slots = slots;
    // A store of at most two slabs' worth is one slab (each slab costs the heap 200 bytes of buffer
    // handles); a larger one takes slabs of a quarter of it, at least SLAB_BYTES, so it has at most
    // four or five of them, each allocated on first use.
    long storeBytes = (long) slots * slotBytes;
    long slabBytes = storeBytes <= 2L * SLAB_BYTES ? storeBytes
        : Math.max(SLAB_BYTES, (storeBytes + 3) / 4);
    this.slotsPerSlab = (int) Math.max(1,
        Math.min(slabBytes, Integer.MAX_VALUE - 8) / slotBytes);
    this.slabs = new ByteBuffer[(int) ((slots + (long) slotsPerSlab - 1) / slotsPerSlab)];
    this.views = new ByteBuffer[slabs.length];
  }

  @Override
  public int slotBytes() {
    return slotBytes;
  }

  private ByteBuffer slab(int slot) {
    int index = slot / slotsPerSlab;
    ByteBuffer slab = slabs[index];
    if (slab == null) {
      // The last slab holds only the slots left.
      int slotsHere = (int) Math.min(slotsPerSlab, slots - (long) index * slotsPerSlab);
      slab = ByteBuffer.allocateDirect(slotsHere * slotBytes);
      slabs[index] = slab;
      views[index] = slab.asReadOnlyBuffer();
    }
    return slab;
  }

  private int offset(int slot) {
    return (slot % slotsPerSlab) * slotBytes;
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
    ByteBuffer view = views[slot / slotsPerSlab];
    int start = offset + HEADER_BYTES + keyLength;
    view.clear();
    view.position(start).limit(start + valueLength);
    return view;
  }

  @Override
  public void close() {
    slabs = new ByteBuffer[0];
    views = new ByteBuffer[0];
  }
}
