package io.perfkit.core.pool;

/*
 * Class-hierarchy padding for LocalHandle (JCTools style, never @Contended). HotSpot lays out a
 * superclass's fields before its subclass's, so the chain
 *   LocalHandleLhsPad (128 bytes) -> LocalHandleFields (the owner's hot slot and the fields the
 *   fast path reads with it) -> LocalHandleRhsPad (128 bytes) -> LocalHandle
 * keeps 128 bytes (two 64-byte lines, covering the adjacent-line prefetcher) between the hot slot,
 * which its owner writes on every acquire and release, and any neighbouring object. Handles of
 * different threads are often allocated next to each other (160-208 bytes apart measured); without
 * the padding some JVMs placed two threads' hot slots close enough that the two-thread
 * acquire/release ran at ~0.6x its one-thread speed per thread in every fork of that layout
 * (LocalHandleLayoutTest checks the layout with JOL). The pad fields are never read or written.
 */

/** Left padding: an int for the header's gap, then 16 longs (128 bytes). */
abstract class LocalHandleLhsPad {
  /** Fills the 4-byte gap after a compressed header, so no subclass field lands next to it. */
  int lhsGap;
  long lhs00;
  long lhs01;
  long lhs02;
  long lhs03;
  long lhs04;
  long lhs05;
  long lhs06;
  long lhs07;
  long lhs08;
  long lhs09;
  long lhs10;
  long lhs11;
  long lhs12;
  long lhs13;
  long lhs14;
  long lhs15;
}
