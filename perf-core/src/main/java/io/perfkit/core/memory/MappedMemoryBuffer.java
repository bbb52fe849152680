package io.perfkit.core.memory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A {@link MemoryBuffer} over part of a {@link MappedFile}'s mapping. It shares the file's scope:
 * closing the file closes every region; closing a region closes only that view.
 */
final class MappedMemoryBuffer extends AbstractMemoryBuffer {

  MappedMemoryBuffer(ByteBuffer buffer, MemoryScope scope, ByteOrder order) {
    super(buffer, scope, order);
  }

  @Override
  AbstractMemoryBuffer newView(ByteBuffer view, ByteOrder order) {
    return new MappedMemoryBuffer(view, scope, order);
  }

  @Override
  public boolean isMapped() {
    return true;
  }
}
