package io.perfkit.pool.batch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * Coalesces single requests from many callers into one batched call and hands each caller its own
 * result: for example many {@code get(id)} calls become one multi-get (request collapsing, as in
 * DataLoader or Hystrix's collapser). Built by {@link BatcherBuilder#buildCoalescing}.
 *
 * <p><b>Threading.</b> {@link #submit}, {@link #flush} and {@link #stats} may be called from any
 * thread; the processor runs on the single consumer. <b>Ordering.</b> Actions before
 * {@code submit} happen-before the processor call receiving the request; the processor's return
 * happens-before the returned future completes. <b>Delivery.</b> Every future returned by
 * {@code submit} completes exactly once: with its result; exceptionally with the processor's
 * exception after the retries; with {@link RejectedExecutionException} if the request was dropped,
 * rejected or left unprocessed by {@code close}. A request whose future the caller cancelled before
 * its batch ran is left out of the batch.
 *
 * @param <T> the request type
 * @param <R> the result type
 */
public final class CoalescingBatcher<T, R> implements AutoCloseable {
  /** A pending request and its caller's future. */
  record Call<T, R>(T request, CompletableFuture<R> future) {}

  private final BatchEngine<Boolean, Call<T, R>> engine;

  CoalescingBatcher(BatchEngine<Boolean, Call<T, R>> engine) {
    this.engine = engine;
  }

  /**
   * Submits {@code request} and returns the future of its result.
   *
   * @return a future completed with the request's result, or exceptionally as described above (a
   *     request not accepted under backpressure gets an already failed future)
   * @throws NullPointerException if {@code request} is null
   * @throws IllegalStateException if the batcher is closing or closed
   */
  public CompletableFuture<R> submit(T request) {
    if (request == null) {
      throw new NullPointerException("request must not be null");
    }
    Call<T, R> call = new Call<>(request, new CompletableFuture<>());
    if (!engine.offer(call) && !call.future().isDone()) {
      call.future().completeExceptionally(
          new RejectedExecutionException("batcher '" + engine.name + "' is full: request rejected"));
    }
    return call.future();
  }

  /**
   * Processes every request submitted before this call and waits until each future is complete.
   *
   * @return {@code true} if all of them completed in time
   * @throws NullPointerException if {@code timeout} is null
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws IllegalStateException if the batcher is closing or closed
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean flush(Duration timeout) throws InterruptedException {
    return engine.flush(Batcher.nanos(timeout, "timeout"));
  }

  /**
   * Stops accepting requests, processes those already submitted, waits up to {@code timeout}, and
   * fails the futures of requests it could not process with {@link RejectedExecutionException}.
   * Idempotent.
   *
   * @return the requests left unprocessed (their futures have failed) and those dead-lettered
   * @throws NullPointerException if {@code timeout} is null
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws InterruptedException if interrupted while waiting
   */
  public CloseReport<T> close(Duration timeout) throws InterruptedException {
    CloseReport<Call<T, R>> report = engine.close(Batcher.nanos(timeout, "timeout"));
    RejectedExecutionException closed = new RejectedExecutionException(
        "batcher '" + engine.name + "' closed before the request was processed");
    for (Call<T, R> call : report.unprocessed()) {
      call.future().completeExceptionally(closed);
    }
    return new CloseReport<>(report.completed(), requests(report.unprocessed()),
        requests(report.failed()), report.inFlight());
  }

  /** {@link #close(Duration)} with a 30 s timeout, keeping the interrupt flag if interrupted. */
  @Override
  public void close() {
    try {
      close(Duration.ofSeconds(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Returns a snapshot of the counters (items are requests). Thread-safe. */
  public BatcherStats stats() {
    return engine.stats();
  }

  BatchEngine<Boolean, Call<T, R>> engine() {
    return engine;
  }

  static <T, R> List<T> requests(List<Call<T, R>> calls) {
    List<T> requests = new ArrayList<>(calls.size());
    for (Call<T, R> call : calls) {
      requests.add(call.request());
    }
    return requests;
  }

  /** The engine's sink: one processor call for the live requests, one completion per caller. */
  static <T, R> void complete(CoalescingProcessor<T, R> processor, List<Call<T, R>> calls)
      throws Exception {
    List<Call<T, R>> live = new ArrayList<>(calls.size());
    for (Call<T, R> call : calls) {
      if (!call.future().isDone()) {
        live.add(call);
      }
    }
    if (live.isEmpty()) {
      return;
    }
    List<R> results = processor.process(requests(live));
    if (results == null || results.size() != live.size()) {
      IllegalStateException mismatch = new IllegalStateException("processor returned "
          + (results == null ? "null" : results.size() + " results") + " for " + live.size()
          + " requests");
      for (Call<T, R> call : live) {
        call.future().completeExceptionally(mismatch);
      }
      return;
    }
    for (int i = 0; i < live.size(); i++) {
      live.get(i).future().complete(results.get(i));
    }
  }
}
