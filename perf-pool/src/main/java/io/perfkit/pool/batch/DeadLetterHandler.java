package io.perfkit.pool.batch;

import java.util.List;

/**
 * Receives the batches a batcher gave up on: those whose processor still threw after every retry,
 * and items that reached the intake while the batcher was closing too late to be processed.
 *
 * <p><b>Threading.</b> Usually called from the consumer thread; an item that raced with
 * {@code close()} is reported from the producer thread that offered it. Calls never overlap for one
 * batcher. A handler that throws does not lose the items: they are kept and returned by
 * {@link CloseReport#failed()} (or, if they fail after {@code close()} returned its report, logged
 * at WARNING through {@link System.Logger}).
 *
 * @param <T> the item type
 */
@FunctionalInterface
public interface DeadLetterHandler<T> {
  /**
   * Takes ownership of {@code batch}, which will not be processed.
   *
   * @param batch the items given up on, not empty
   * @param cause the last exception the processor threw, or a
   *     {@link java.util.concurrent.RejectedExecutionException} for an item that raced with close
   */
  void onDeadLetter(List<T> batch, Throwable cause);
}
