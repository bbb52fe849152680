package io.perfkit.balance.autoscale;

/**
 * A {@link VerticalRecommender} result for one container: CPU in millicores and memory in bytes,
 * each with target, lower bound and upper bound, plus the confidence they rest on.
 *
 * <p>When {@link #available()} is false there was no usable history ("no decision"): every amount
 * is 0.
 *
 * <p>Immutable and thread-safe.
 *
 * @param available whether there was history to recommend from
 * @param cpuTargetMillis the CPU target, millicores
 * @param cpuLowerMillis the CPU lower bound, millicores
 * @param cpuUpperMillis the CPU upper bound, millicores
 * @param memoryTargetBytes the memory target, bytes
 * @param memoryLowerBytes the memory lower bound, bytes
 * @param memoryUpperBytes the memory upper bound, bytes
 * @param confidence {@code min(history span in days, CPU samples / 1440)}
 * @param cpuSamples the number of CPU samples aggregated
 */
public record VerticalRecommendation(
    boolean available,
    long cpuTargetMillis,
    long cpuLowerMillis,
    long cpuUpperMillis,
    long memoryTargetBytes,
    long memoryLowerBytes,
    long memoryUpperBytes,
    double confidence,
    long cpuSamples) {

  static VerticalRecommendation none() {
    return new VerticalRecommendation(false, 0, 0, 0, 0, 0, 0, 0, 0);
  }
}
