package io.perfkit.balance;

import io.perfkit.balance.internal.AbstractBalancer;
import io.perfkit.balance.internal.BalancerConfig;
import io.perfkit.balance.internal.Member;
import io.perfkit.balance.internal.PaddedSequence;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicReference;

/** nginx's smooth weighted round robin, exact, with effective-weight reduction on failure. */
final class SmoothWeightedBalancer extends AbstractBalancer<SmoothWeightedBalancer.View>
    implements Balancer {
  /*
   * nginx (ngx_http_upstream_get_peer): for each peer, current += effective; total += effective;
   * if effective < weight then effective++; the peer with the largest current wins (strict >, so
   * ties go to the earlier peer), and its current -= total. On a failed request the peer's
   * effective weight drops by weight / max_fails (integer division, floor at 0).
   *
   * With integral weights and effective == weight everywhere, the sequence is periodic: after
   * sum(weights) picks every current weight is back to zero. So in that steady state we precompute
   * one period (the "schedule") when the view is built and a pick is one atomic increment and an
   * array read: lock-free and O(1) whatever the endpoint count. The precomputation costs
   * sum(weights) * n steps, so it is skipped above MAX_SCHEDULE_WORK.
   *
   * A failure switches the view to dynamic mode: the state (current and effective weights) at the
   * schedule position is reconstructed by replaying the period, and from then on each pick runs
   * nginx's O(n) step on an immutable state object replaced by compare-and-set (lock-free). When a
   * step leaves every effective weight recovered and every current weight at zero, the state equals
   * the schedule's start, and picks return to the schedule at position 0. Views whose weights are
   * not integral, or whose period exceeds MAX_SCHEDULE, stay in dynamic mode.
   *
   * Under concurrency the two modes are exact per linearised pick, except at the moment of a switch:
   * picks racing with it may take one schedule step that the reconstructed state does not include.
   * Each membership change starts from the zero state, as nginx does on reload.
   */
  static final int MAX_SCHEDULE = 1 << 20;
  /** Longest precomputation (period length times endpoint count) a membership change may cost. */
  static final long MAX_SCHEDULE_WORK = 1L << 26;

  /** Immutable nginx state: current and effective weights per peer. */
  record State(double[] current, double[] effective) {}

  static final class View {
    final Member[] members;
    final double[] weights;
    final int[] schedule; // null when not schedulable
    final PaddedSequence position = new PaddedSequence();
    final AtomicReference<State> dynamic = new AtomicReference<>();

    View(Member[] members) {
      this.members = members;
      this.weights = new double[members.length];
      double total = 0;
      boolean integral = true;
      for (int i = 0; i < members.length; i++) {
        weights[i] = members[i].weight();
        total += weights[i];
        integral &= weights[i] == Math.rint(weights[i]);
      }
      if (members.length > 0
          && integral
          && total <= MAX_SCHEDULE
          && total * members.length <= MAX_SCHEDULE_WORK) {
        schedule = new int[(int) total];
        double[] current = new double[members.length];
        double[] effective = weights.clone();
        for (int k = 0; k < schedule.length; k++) {
          schedule[k] = step(current, effective, weights);
        }
      } else {
        schedule = null;
        if (members.length > 0) {
          dynamic.set(zero(members.length, weights));
        }
      }
    }
  }

  private final int maxFails;

  SmoothWeightedBalancer(BalancerConfig config, int maxFails, Collection<Endpoint> endpoints) {
    super(config);
    this.maxFails = maxFails;
    init(endpoints);
  }

  static State zero(int n, double[] weights) {
    return new State(new double[n], weights.clone());
  }

  /** One nginx step on mutable copies; returns the chosen index. */
  static int step(double[] current, double[] effective, double[] weights) {
    double total = 0;
    int best = -1;
    for (int i = 0; i < current.length; i++) {
      current[i] += effective[i];
      total += effective[i];
      if (effective[i] < weights[i]) {
        effective[i] = Math.min(weights[i], effective[i] + 1);
      }
      if (best < 0 || current[i] > current[best]) {
        best = i;
      }
    }
    current[best] -= total;
    return best;
  }

  @Override
  protected View buildView(Member[] candidates) {
    return new View(candidates);
  }

  @Override
  public Endpoint pick() {
    View view = view();
    if (view.members.length == 0) {
      throw noEndpoint();
    }
    while (true) {
      State state = view.dynamic.get();
      if (state == null) {
        int[] schedule = view.schedule;
        long position = view.position.getAndIncrement() & Long.MAX_VALUE;
        return view.members[schedule[(int) (position % schedule.length)]].endpoint();
      }
      double[] current = state.current.clone();
      double[] effective = state.effective.clone();
      int best = step(current, effective, view.weights);
      State next = backAtStart(view, current, effective) ? null : new State(current, effective);
      if (view.dynamic.compareAndSet(state, next)) {
        if (next == null) {
          view.position.set(0);
        }
        return view.members[best].endpoint();
      }
    }
  }

  private static boolean backAtStart(View view, double[] current, double[] effective) {
    if (view.schedule == null) {
      return false;
    }
    for (int i = 0; i < current.length; i++) {
      if (current[i] != 0 || effective[i] != view.weights[i]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void report(Endpoint endpoint, boolean success) {
    Balancer.super.report(endpoint, success);
    if (success) {
      return; // nginx changes effective weights only on failure
    }
    View view = view();
    int index = -1;
    for (int i = 0; i < view.members.length; i++) {
      if (view.members[i].id().equals(endpoint.id())) {
        index = i;
        break;
      }
    }
    if (index < 0) {
      return; // not (or no longer) in the current view
    }
    while (true) {
      State state = view.dynamic.get();
      State base = state != null ? state : replay(view, view.position.get());
      double[] effective = base.effective.clone();
      effective[index] =
          Math.max(0, effective[index] - Math.floor(view.weights[index] / maxFails));
      if (view.dynamic.compareAndSet(state, new State(base.current.clone(), effective))) {
        return;
      }
    }
  }

  /** The state after {@code position} schedule steps from zero (mod the period). */
  private static State replay(View view, long position) {
    int steps = (int) ((position & Long.MAX_VALUE) % view.schedule.length);
    double[] current = new double[view.members.length];
    double[] effective = view.weights.clone();
    for (int k = 0; k < steps; k++) {
      step(current, effective, view.weights);
    }
    return new State(current, effective);
  }
}
