package io.perfkit.core.counter;

/** The padded value itself; see PaddedAtomicLongLhsPad for the layout. */
abstract class PaddedAtomicLongValue extends PaddedAtomicLongLhsPad {
  /** Accessed through PaddedAtomicLong's VarHandle only. */
  volatile long value;
}
