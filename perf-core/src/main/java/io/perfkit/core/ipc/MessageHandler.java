package io.perfkit.core.ipc;

import io.perfkit.core.memory.MemoryBuffer;

/** Receives messages read from a {@link RingBuffer}. */
@FunctionalInterface
public interface MessageHandler {
  /**
   * Handles one message. The bytes are valid only during the call: the ring buffer reuses the space
   * once the read returns.
   *
   * @param typeId the message type id ({@code >= 1})
   * @param buffer the ring buffer's memory
   * @param index the message's first byte in {@code buffer}
   * @param length the message length in bytes
   */
  void onMessage(int typeId, MemoryBuffer buffer, int index, int length);
}
