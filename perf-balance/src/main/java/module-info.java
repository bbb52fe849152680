/**
 * perfkit balance: client-side load balancers, consistent hashing, health and outlier ejection, and
 * deterministic autoscaling calculators.
 */
module io.perfkit.balance {
  requires transitive io.perfkit.core;

  exports io.perfkit.balance;

  exports io.perfkit.balance.hash;

  exports io.perfkit.balance.health;

  exports io.perfkit.balance.autoscale;

}
