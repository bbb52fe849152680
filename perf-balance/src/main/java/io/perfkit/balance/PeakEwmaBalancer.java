package io.perfkit.balance;

import io.perfkit.balance.internal.AbstractBalancer;
import io.perfkit.balance.internal.BalancerConfig;
import io.perfkit.balance.internal.Load;
import io.perfkit.balance.internal.Member;
import io.perfkit.balance.internal.RandomSource;
import io.perfkit.balance.internal.TrackedLease;
import java.util.Collection;

/** Power of two choices over Finagle's peak-EWMA load. */
final class PeakEwmaBalancer extends AbstractBalancer<Member[]>
    implements TrackingBalancer, TrackedLease.Observer {
  /*
   * Finagle (finagle-core loadbalancer/p2c PeakEwma): each endpoint keeps (stamp, cost). observe(rtt)
   * at time t: w = exp(-(t - stamp) / tau); cost = rtt if rtt > cost, else cost * w + rtt * (1 - w);
   * stamp = t. Reading the cost first observes 0, so an idle estimate decays toward zero. The load
   * is cost * (pending + 1); an endpoint without a sample (cost 0) has load 0 while idle and
   * Penalty = Long.MAX_VALUE >> 16 once it has a request in flight. Two distinct endpoints are drawn
   * at random and the one with the lower load wins (the first on a tie).
   */
  static final double PENALTY = Load.PENALTY;

  private final RandomSource random;
  private final double tauNanos;

  PeakEwmaBalancer(
      BalancerConfig config, RandomSource random, long tauNanos, Collection<Endpoint> endpoints) {
    super(config);
    this.random = random;
    this.tauNanos = tauNanos;
    init(endpoints);
  }

  @Override
  protected Member[] buildView(Member[] candidates) {
    return candidates;
  }

  @Override
  public Lease pick() {
    Member[] members = view();
    int n = members.length;
    if (n == 0) {
      throw noEndpoint();
    }
    long now = config.ticker().read();
    Member chosen;
    if (n == 1) {
      chosen = members[0];
    } else {
      int a = random.nextInt(n);
      int b = random.nextInt(n - 1);
      if (b >= a) {
        b++;
      }
      Member ma = members[a];
      Member mb = members[b];
      // load(ma) <= load(mb), decided in the log domain where that is exact (see Load.firstWins)
      chosen = Load.firstWins(ma.load(), mb.load(), now, tauNanos) ? ma : mb;
    }
    chosen.load().incrementPending();
    return new TrackedLease(chosen.endpoint(), chosen.load(), config.ticker(), now, this);
  }

  @Override
  public void onDone(Load load, long latencyNanos, boolean success, long nowNanos) {
    if (latencyNanos >= 0) {
      long now = nowNanos != TrackedLease.UNTIMED ? nowNanos : config.ticker().read();
      load.observe(latencyNanos, now, tauNanos);
    }
  }
}
