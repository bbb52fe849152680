package io.perfkit.core.counter;

/** Right padding: 16 longs (128 bytes) after the value; see PaddedAtomicLongLhsPad. */
abstract class PaddedAtomicLongRhsPad extends PaddedAtomicLongValue {
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
}
