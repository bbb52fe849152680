package io.perfkit.pool.worker;

import io.perfkit.core.internal.Checks;
import io.perfkit.core.queue.Queues;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Configures a {@link WorkerPool}; from {@link WorkerPool#newBuilder()}. Each setting may be set
 * once (again: {@link IllegalStateException}). Not thread-safe.
 */
public final class WorkerPoolBuilder {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  String name;
  int threads = -1;
  int queueCapacity = -1;
  RejectionPolicy rejectionPolicy;
  long offerTimeoutNanos = -1;
  boolean recordLatency;
  private boolean recordLatencySet;
  boolean daemon;
  private boolean daemonSet;

  WorkerPoolBuilder() {}

  /**
   * Names the pool; workers are {@code "perfkit-worker-" + name + "-" + index}. Default: a
   * sequence number.
   *
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalStateException if already set
   */
  public WorkerPoolBuilder name(String name) {
    Checks.requireState(this.name == null, "name was already set to %s", this.name);
    this.name = Checks.requireNonNull(name, "name");
    return this;
  }

  /**
   * Number of worker threads, started by {@link #build()}. Default: available processors.
   *
   * @throws IllegalArgumentException if {@code threads <= 0}
   * @throws IllegalStateException if already set
   */
  public WorkerPoolBuilder threads(int threads) {
    Checks.requireState(this.threads == -1, "threads was already set to %s", this.threads);
    this.threads = Checks.checkPositive(threads, "threads");
    return this;
  }

  /**
   * Bound of the task queue, rounded up to a power of two. Default 4,096.
   *
   * @throws IllegalArgumentException if {@code capacity} is not in {@code [2, 2^30]}
   * @throws IllegalStateException if already set
   */
  public WorkerPoolBuilder queueCapacity(int capacity) {
    Checks.requireState(queueCapacity == -1, "queueCapacity was already set to %s", queueCapacity);
    this.queueCapacity = Checks.checkInRange(capacity, 2, Queues.MAX_CAPACITY, "capacity");
    return this;
  }

  /**
   * What to do when the queue is full. Default {@link RejectionPolicy#ABORT}.
   *
   * @throws NullPointerException if {@code policy} is null
   * @throws IllegalStateException if already set
   */
  public WorkerPoolBuilder rejectionPolicy(RejectionPolicy policy) {
    Checks.requireState(rejectionPolicy == null, "rejectionPolicy was already set to %s",
        rejectionPolicy);
    this.rejectionPolicy = Checks.requireNonNull(policy, "policy");
    return this;
  }

  /**
   * How long a submitter waits for room under {@link RejectionPolicy#BLOCK}. Default 30 s.
   *
   * @throws NullPointerException if {@code timeout} is null
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws IllegalStateException if already set
   */
  public WorkerPoolBuilder offerTimeout(Duration timeout) {
    Checks.requireState(offerTimeoutNanos == -1, "offerTimeout was already set to %s ns",
        offerTimeoutNanos);
    this.offerTimeoutNanos = WorkerPool.nanos(timeout, "offerTimeout");
    return this;
  }

  /**
   * Records submit-to-completion latency of {@code submit}ted tasks (one {@code nanoTime} per
   * submit and per completion) into {@link WorkerPoolStats#taskLatency()}. Default off.
   *
   * @throws IllegalStateException if already set
   */
  public WorkerPoolBuilder recordLatency(boolean record) {
    Checks.requireState(!recordLatencySet, "recordLatency was already set to %s", recordLatency);
    this.recordLatency = record;
    this.recordLatencySet = true;
    return this;
  }

  /**
   * Whether workers are daemon threads. Default {@code false}, as for the JDK's executors: a pool
   * with queued work keeps the JVM alive until it is shut down.
   *
   * @throws IllegalStateException if already set
   */
  public WorkerPoolBuilder daemon(boolean daemon) {
    Checks.requireState(!daemonSet, "daemon was already set to %s", this.daemon);
    this.daemon = daemon;
    this.daemonSet = true;
    return this;
  }

  /** Builds the pool and starts its workers. */
  public WorkerPool build() {
    if (name == null) {
      name = Integer.toString(SEQUENCE.incrementAndGet());
    }
    if (threads == -1) {
      threads = Runtime.getRuntime().availableProcessors();
    }
    if (queueCapacity == -1) {
      queueCapacity = 4096;
    }
    if (rejectionPolicy == null) {
      rejectionPolicy = RejectionPolicy.ABORT;
    }
    if (offerTimeoutNanos == -1) {
      offerTimeoutNanos = Duration.ofSeconds(30).toNanos();
    }
    return new WorkerPool(this);
  }
}
