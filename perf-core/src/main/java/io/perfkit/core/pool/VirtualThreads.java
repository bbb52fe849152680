package io.perfkit.core.pool;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * {@code Thread.isVirtual()} for a Java 17 baseline: the method is looked up once, at class
 * initialisation, and is absent (every thread is a platform thread) before JDK 21.
 */
final class VirtualThreads {
  /** {@code Thread::isVirtual}, or null on a JDK without virtual threads. */
  private static final MethodHandle IS_VIRTUAL = lookupIsVirtual();

  private VirtualThreads() {}

  /** Returns whether {@code thread} is a virtual thread; always false before JDK 21. */
  static boolean isVirtual(Thread thread) {
    MethodHandle isVirtual = IS_VIRTUAL;
    if (isVirtual == null) {
      return false;
    }
    try {
      // A static final handle with an exact type: the JIT inlines this to the JDK's own check.
      return (boolean) isVirtual.invokeExact(thread);
    } catch (Throwable e) {
      throw new AssertionError("Thread.isVirtual() failed", e);
    }
  }

  /** Whether this JDK has virtual threads at all. */
  static boolean supported() {
    return IS_VIRTUAL != null;
  }

  private static MethodHandle lookupIsVirtual() {
    try {
      return MethodHandles.publicLookup()
          .findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
    } catch (NoSuchMethodException | IllegalAccessException e) {
      return null;
    }
  }
}
