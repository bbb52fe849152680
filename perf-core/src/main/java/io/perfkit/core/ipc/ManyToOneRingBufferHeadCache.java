package io.perfkit.core.ipc;

import io.perfkit.core.memory.MemoryBuffer;

/** The head cache producers write; see ManyToOneRingBufferLhsPad for the layout. */
abstract class ManyToOneRingBufferHeadCache extends ManyToOneRingBufferLhsPad {
  /** Accessed through ManyToOneRingBuffer's VarHandle only (see its comment there). */
  long headCache;

  ManyToOneRingBufferHeadCache(MemoryBuffer buffer) {
    super(buffer);
  }
}
