package io.perfkit.balance.health;

import io.perfkit.balance.Endpoint;

/**
 * A user-supplied active health check: returns {@code true} if the endpoint is healthy. A thrown
 * exception counts as unhealthy. Probes run on the scheduler's thread, one endpoint after another,
 * so they should carry their own timeout.
 */
@FunctionalInterface
public interface HealthProbe {
  /**
   * Probes one endpoint.
   *
   * @param endpoint the endpoint
   * @return whether it is healthy
   * @throws Exception if the probe failed (counted as unhealthy)
   */
  boolean probe(Endpoint endpoint) throws Exception;
}
