package io.perfkit.balance.internal;

import io.perfkit.balance.Ticker;

/**
 * Settings shared by every balancer.
 *
 * @param panicThresholdPercent below this percentage of available endpoints the balancer picks over
 *     all endpoints (Envoy's panic mode); 0 disables panic mode
 * @param ticker the time source
 * @param slowStart the slow-start settings
 */
public record BalancerConfig(double panicThresholdPercent, Ticker ticker, SlowStart slowStart) {}
