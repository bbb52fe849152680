package io.perfkit.core.ipc;

import io.perfkit.core.memory.MemoryBuffer;

/** Right padding: 16 longs (128 bytes) after the head cache; see ManyToOneRingBufferLhsPad. */
abstract class ManyToOneRingBufferRhsPad extends ManyToOneRingBufferHeadCache {
  long rhs00;
  long rhs01;
  long rhs02;
  long rhs03; // 32b
  long rhs04;
  long rhs05;
  long rhs06;
  long rhs07; // 64b
  long rhs08;
  long rhs09;
  long rhs10;
  long rhs11; // 96b
  long rhs12;
  long rhs13;
  long rhs14;
  long rhs15; // 128b

  ManyToOneRingBufferRhsPad(MemoryBuffer buffer) {
    super(buffer);
  }
}
