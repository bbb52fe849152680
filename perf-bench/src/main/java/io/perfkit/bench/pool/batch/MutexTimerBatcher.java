package io.perfkit.bench.pool.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The straightforward batcher perfkit's is compared with (the seed's design): a {@code synchronized}
 * list; a producer that fills it to {@code maxBatchSize} processes the batch inline, under the
 * lock; a timer thread flushes whatever is there every {@code lingerMillis}.
 */
final class MutexTimerBatcher<T> implements AutoCloseable {
  private final int maxBatchSize;
  private final Consumer<List<T>> processor;
  private final ScheduledExecutorService timer;
  private List<T> items;

  MutexTimerBatcher(int maxBatchSize, long lingerMicros, Consumer<List<T>> processor) {
    this.maxBatchSize = maxBatchSize;
    this.processor = processor;
    this.items = new ArrayList<>(maxBatchSize);
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "mutex-batcher-timer");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleAtFixedRate(this::flush, lingerMicros, lingerMicros, TimeUnit.MICROSECONDS);
  }

  synchronized void add(T item) {
    items.add(item);
    if (items.size() >= maxBatchSize) {
      flushLocked();
    }
  }

  synchronized void flush() {
    flushLocked();
  }

  private void flushLocked() {
    if (!items.isEmpty()) {
      List<T> batch = items;
      items = new ArrayList<>(maxBatchSize);
      processor.accept(batch);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    flush();
  }
}
