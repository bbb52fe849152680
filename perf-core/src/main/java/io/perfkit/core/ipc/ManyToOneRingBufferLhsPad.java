package io.perfkit.core.ipc;

import io.perfkit.core.memory.MemoryBuffer;

/*
 * Class-hierarchy padding for ManyToOneRingBuffer's head cache (JCTools style, never @Contended).
 * HotSpot lays out a superclass's fields before its subclass's, so the chain
 *   AbstractRingBuffer (fields every producer and the consumer read on every call)
 *   -> ManyToOneRingBufferLhsPad (128 bytes) -> ManyToOneRingBufferHeadCache (the long producers
 *   write) -> ManyToOneRingBufferRhsPad (128 bytes) -> ManyToOneRingBuffer
 * keeps 128 bytes (two 64-byte cache lines, covering the adjacent-line prefetcher) between the
 * head cache and the read-mostly fields, the object header and any neighbouring object. Without
 * it, every head-cache refresh invalidated the line holding the consumer's buffer, mask and
 * position indexes (RingBufferLayoutTest checks the layout with JOL). The pad fields are never
 * read or written.
 */

/** Left padding: 16 longs (128 bytes) between the shared fields and the head cache. */
abstract class ManyToOneRingBufferLhsPad extends AbstractRingBuffer {
  long lhs00;
  long lhs01;
  long lhs02;
  long lhs03; // 32b
  long lhs04;
  long lhs05;
  long lhs06;
  long lhs07; // 64b
  long lhs08;
  long lhs09;
  long lhs10;
  long lhs11; // 96b
  long lhs12;
  long lhs13;
  long lhs14;
  long lhs15; // 128b

  ManyToOneRingBufferLhsPad(MemoryBuffer buffer) {
    super(buffer);
  }
}
