package io.perfkit.pool.batch;

import java.util.List;

/**
 * Answers many single requests with one call, for a {@link CoalescingBatcher}: for example one
 * multi-get for many single gets (as DataLoader or Hystrix's request collapser do).
 *
 * <p><b>Threading.</b> Called from the batcher's single consumer thread, never concurrently with
 * itself. <b>Ordering.</b> Everything a caller did before {@code submit} happens-before the call
 * that receives its request; the call's return happens-before the caller's future completes.
 *
 * @param <T> the request type
 * @param <R> the result type
 */
@FunctionalInterface
public interface CoalescingProcessor<T, R> {
  /**
   * Returns one result per request, in the same order: {@code result.get(i)} answers
   * {@code requests.get(i)}. A result list of another size fails every request of the batch with an
   * {@link IllegalStateException} naming both sizes. Throwing fails the whole batch (retried, then
   * every caller's future completes exceptionally with the cause).
   *
   * @param requests the requests, in submission order, not empty
   * @return the results, one per request (elements may be {@code null})
   * @throws Exception to fail the batch
   */
  List<R> process(List<T> requests) throws Exception;
}
