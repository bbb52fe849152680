package io.perfkit.balance.autoscale;

/**
 * The result of a {@link QueueingScaler}: the replica count and the M/M/c figures at that count.
 * All times are in seconds. The Little's-law figures satisfy {@code queueLength = arrivalRate *
 * meanWait} and {@code inSystem = arrivalRate * meanResponse}; {@code inSystem - queueLength}
 * equals the offered load (the mean number of busy replicas).
 *
 * <p>Immutable and thread-safe.
 *
 * @param replicas the recommended replica count
 * @param reason what determined it
 * @param objectiveMet whether the latency objective holds at {@code replicas}
 * @param offeredLoad {@code a = arrivalRate * serviceTime} in Erlangs
 * @param utilization {@code a / replicas} (0 with no replicas)
 * @param waitProbability Erlang C: the probability that a request waits (1 if unstable)
 * @param meanWait the mean waiting time ({@code +Infinity} if unstable)
 * @param objectiveValue the objective's statistic at {@code replicas} ({@code +Infinity} if
 *     unstable)
 * @param meanResponse the mean response time ({@code +Infinity} if unstable)
 * @param queueLength the mean number waiting, by Little's law
 * @param inSystem the mean number in the system, by Little's law
 */
public record QueueingDecision(
    int replicas,
    Reason reason,
    boolean objectiveMet,
    double offeredLoad,
    double utilization,
    double waitProbability,
    double meanWait,
    double objectiveValue,
    double meanResponse,
    double queueLength,
    double inSystem) {

  /** What determined the replica count. */
  public enum Reason {
    /** The fewest replicas meeting the latency objective. */
    LATENCY_OBJECTIVE,
    /** The utilization cap needed more replicas than the objective. */
    UTILIZATION_CAP,
    /** The minimum replica count was larger. */
    MIN_REPLICAS,
    /** The maximum replica count was reached before the objective (or cap) was met. */
    MAX_REPLICAS
  }
}
