package io.perfkit.balance;

import io.perfkit.balance.internal.AbstractBalancer;
import io.perfkit.balance.internal.BalancerConfig;
import io.perfkit.balance.internal.Load;
import io.perfkit.balance.internal.Member;
import io.perfkit.balance.internal.RandomSource;
import io.perfkit.balance.internal.TrackedLease;
import java.util.Collection;

/** Power of two choices over Finagle's peak-EWMA load. */
final class PeakEwmaBalancer extends AbstractBalancer<PeakEwmaBalancer.View>
    implements TrackingBalancer, TrackedLease.Observer {
  /*
   * Finagle (finagle-core loadbalancer/p2c PeakEwma): each endpoint keeps (stamp, cost). observe(rtt)
   * at time t: w = exp(-(t - stamp) / tau); cost = rtt if rtt > cost, else cost * w + rtt * (1 - w);
   * stamp = t. Reading the cost first observes 0, so an idle estimate decays toward zero. The load
   * is cost * (pending + 1); an endpoint without a sample (cost 0) has load 0 while idle and
   * Penalty + pending (Penalty = Long.MAX_VALUE >> 16) once it has a request in flight. Two
   * distinct endpoints are drawn at random and the one with the lower load wins (the first on a tie).
   */
  static final double PENALTY = Load.PENALTY;

  /**
   * The published snapshot, flattened for the pick: slot i's load and endpoint sit in two arrays,
   * so a candidate's in-flight count and estimate are one array load and one field load away from
   * the view (not view -> Member -> Load), and the endpoint is read only for the winner.
   */
  record View(Load[] loads, Endpoint[] endpoints) {}

  private final RandomSource random;
  private final double tauNanos;
  /** 1 / tau: the pick's log-domain decay is a multiply (see Load.logCostAt's error bound). */
  private final double inverseTauNanos;

  PeakEwmaBalancer(
      BalancerConfig config, RandomSource random, long tauNanos, Collection<Endpoint> endpoints) {
    super(config);
    this.random = random;
    this.tauNanos = tauNanos;
    this.inverseTauNanos = 1.0 / tauNanos;
    init(endpoints);
  }

  @Override
  protected View buildView(Member[] candidates) {
    Load[] loads = new Load[candidates.length];
    Endpoint[] endpoints = new Endpoint[candidates.length];
    for (int i = 0; i < candidates.length; i++) {
      loads[i] = candidates[i].load();
      endpoints[i] = candidates[i].endpoint();
    }
    return new View(loads, endpoints);
  }

  @Override
  public Lease pick() {
    View view = view();
    Load[] loads = view.loads;
    int n = loads.length;
    if (n == 0) {
      throw noEndpoint();
    }
    long now = config.ticker().read(); // once per pick: both candidates are read at this time
    if (n == 1) {
      Load load = loads[0];
      load.incrementPending(); // Finagle takes a single endpoint without reading its load
      return new TrackedLease(view.endpoints[0], load, config.ticker(), now, this);
    }
    long pair = random.nextPair(n, n - 1);
    int a = (int) (pair >>> 32);
    int b = (int) pair;
    if (b >= a) {
      b++; // two distinct candidates, as Finagle draws them
    }
    Load la = loads[a];
    Load lb = loads[b];
    // Finagle's reads are updates: both stamps move to now first (CAS-maximum), so the decision
    // below reads lines this core already holds; decide() values each estimate at max(now, stamp),
    // which the touch leaves unchanged (Load's class comment, "Pick").
    la.touch(now);
    lb.touch(now);
    // load(a) <= load(b) at now, decided in the log domain where that is exact (Load.decide)
    int chosen = Load.decide(la, lb, now, tauNanos, inverseTauNanos) ? a : b;
    Load load = chosen == a ? la : lb;
    load.incrementPending();
    return new TrackedLease(view.endpoints[chosen], load, config.ticker(), now, this);
  }

  @Override
  public void onDone(Load load, long latencyNanos, boolean success, long nowNanos) {
    if (latencyNanos >= 0) {
      long now = nowNanos != TrackedLease.UNTIMED ? nowNanos : config.ticker().read();
      load.observe(latencyNanos, now, tauNanos);
    }
  }
}
