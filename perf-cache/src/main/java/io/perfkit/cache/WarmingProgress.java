package io.perfkit.cache;

/**
 * Told how far {@link TieredCache#warm} has come, after each bulk-loader call, on the warming thread.
 */
@FunctionalInterface
public interface WarmingProgress {
  /**
   * Reports progress.
   *
   * @param processed keys handled so far (already cached, loaded, or not returned by the loader)
   * @param total keys to warm, or -1 if {@code keys} was not a {@link java.util.Collection}
   */
  void progress(long processed, long total);
}
