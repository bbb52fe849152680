package io.perfkit.core.pool;

/**
 * Right padding of {@link LocalHandle}: 16 longs (128 bytes) after its fields; see {@link
 * LocalHandleLhsPad}.
 *
 * @param <T> the type of the pooled objects
 */
abstract class LocalHandleRhsPad<T> extends LocalHandleFields<T> {
  long rhs00;
  long rhs01;
  long rhs02;
  long rhs03;
  long rhs04;
  long rhs05;
  long rhs06;
  long rhs07;
  long rhs08;
  long rhs09;
  long rhs10;
  long rhs11;
  long rhs12;
  long rhs13;
  long rhs14;
  long rhs15;

  LocalHandleRhsPad(ObjectPool<T> pool, ThreadCache cache, long ownerId, boolean hotEnabled) {
    super(pool, cache, ownerId, hotEnabled);
  }
}
