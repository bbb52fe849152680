/**
 * Deterministic autoscaling calculators: Kubernetes-exact HPA, VPA-style recommender, predictive and queueing scalers.
 */
package io.perfkit.balance.autoscale;
