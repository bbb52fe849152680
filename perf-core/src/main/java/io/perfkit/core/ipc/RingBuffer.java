package io.perfkit.core.ipc;

import io.perfkit.core.memory.MemoryBuffer;

/**
 * A ring buffer of variable-length typed messages in a {@link MemoryBuffer} (direct memory, or a
 * mapped file for messages between processes), with the layout of {@link RingBufferDescriptor}.
 *
 * <p><b>Threading:</b> {@link #read} is called by one consumer (thread or process) at a time; who
 * may write depends on the implementation ({@link OneToOneRingBuffer}: one producer;
 * {@link ManyToOneRingBuffer}: any number). <b>Ordering:</b> writes to a message before it is
 * written or committed happen-before the consumer's handler call for it; messages from one producer
 * are read in the order written. <b>Progress:</b> writes never block (they return false or
 * {@link #INSUFFICIENT_CAPACITY} when full); the one-to-one buffer is wait-free, the many-to-one
 * buffer lock-free. <b>Allocation:</b> none.
 */
public interface RingBuffer {
  /** Returned by {@link #tryClaim} when there is not enough free space. */
  int INSUFFICIENT_CAPACITY = -2;

  /** Returns the record capacity in bytes (the buffer minus the trailer). */
  int capacity();

  /** Returns the largest message length accepted ({@code capacity / 8}). */
  int maxMessageLength();

  /** Returns the underlying buffer. */
  MemoryBuffer buffer();

  /**
   * Writes a message copied from {@code src}.
   *
   * @return true if written, false if there is not enough free space
   * @throws IllegalArgumentException if {@code typeId < 1} or {@code length} is negative or above
   *     {@link #maxMessageLength()}
   * @throws IndexOutOfBoundsException if the source range is out of bounds
   * @throws NullPointerException if {@code src} is null
   * @throws IllegalStateException if {@link #buffer()} (or {@code src}) is closed
   */
  boolean write(int typeId, MemoryBuffer src, int srcIndex, int length);

  /**
   * Writes a message copied from {@code src}; otherwise as {@link #write(int, MemoryBuffer, int,
   * int)}.
   */
  boolean write(int typeId, byte[] src, int srcOffset, int length);

  /**
   * Claims space for a message of {@code length} bytes to be written in place in {@link #buffer()},
   * then published with {@link #commit} or dropped with {@link #abort}. Until then the consumer
   * (and, for the many-to-one buffer, every message claimed later) waits for it: commit promptly.
   *
   * @return the index of the message's first byte, or {@link #INSUFFICIENT_CAPACITY}
   * @throws IllegalArgumentException as {@link #write(int, MemoryBuffer, int, int)}
   * @throws IllegalStateException if {@link #buffer()} is closed
   */
  int tryClaim(int typeId, int length);

  /**
   * Publishes a claimed message.
   *
   * @param index the value {@link #tryClaim} returned
   * @throws IllegalArgumentException if {@code index} does not point at a claimed message
   * @throws IllegalStateException if {@link #buffer()} is closed
   */
  void commit(int index);

  /**
   * Drops a claimed message: the consumer skips it.
   *
   * @param index the value {@link #tryClaim} returned
   * @throws IllegalArgumentException if {@code index} does not point at a claimed message
   * @throws IllegalStateException if {@link #buffer()} is closed
   */
  void abort(int index);

  /** Reads every available message; returns how many. Consumer only. */
  int read(MessageHandler handler);

  /**
   * Reads up to {@code limit} available messages in order; returns how many. If the handler
   * throws, the messages handed to it so far, including the one that threw, are consumed.
   * Consumer only.
   *
   * @throws NullPointerException if {@code handler} is null
   * @throws IllegalArgumentException if {@code limit <= 0}
   * @throws IllegalStateException if {@link #buffer()} is closed
   */
  int read(MessageHandler handler, int limit);

  /** Returns the total bytes ever claimed by producers (a volatile read). */
  long producerPosition();

  /** Returns the total bytes ever consumed (a volatile read). */
  long consumerPosition();

  /** Returns the bytes currently in use (approximate while producers and consumer run). */
  int size();

  /** Returns a new id, unique across every user of this buffer (an atomic increment). */
  long nextCorrelationId();

  /** Records the consumer's liveness time (for example epoch milliseconds), release semantics. */
  void consumerHeartbeatTime(long time);

  /** Returns the last time passed to {@link #consumerHeartbeatTime(long)}, volatile semantics. */
  long consumerHeartbeatTime();

  /**
   * Unblocks the consumer when a producer died between claiming space and committing it, by
   * turning the stuck claim into padding. Call it only when the consumer has made no progress for
   * longer than any live producer takes to commit (a timeout chosen by the application): applied to
   * a producer that is merely slow, its message is dropped. Consumer only.
   *
   * @return true if a stuck claim was turned into padding
   */
  boolean unblock();
}
