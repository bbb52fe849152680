package io.perfkit.core.counter;

/*
 * Class-hierarchy padding for PaddedAtomicLong (JCTools style, never @Contended). HotSpot lays out a
 * superclass's fields before its subclass's, so the chain
 *   PaddedAtomicLongLhsPad (128 bytes) -> PaddedAtomicLongValue (the hot long)
 *   -> PaddedAtomicLongRhsPad (128 bytes) -> PaddedAtomicLong
 * keeps 128 bytes (two 64-byte cache lines, covering the adjacent-line prefetcher) between the value
 * and anything else in memory: the object header and any object allocated before it on the left,
 * any object allocated after it on the right. PaddedAtomicLongLayoutTest checks this with JOL.
 * The pad fields are never read or written.
 */

/** Left padding: 16 longs (128 bytes) before the value. */
abstract class PaddedAtomicLongLhsPad {
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
}
