package io.perfkit.balance.internal;

import io.perfkit.balance.Endpoint;
import io.perfkit.balance.Membership;
import io.perfkit.balance.NoAvailableEndpointException;
import io.perfkit.core.internal.Checks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The membership half of every balancer: keeps the member list under a writer lock and, after each
 * change, publishes an immutable algorithm-specific view built from the members that may be picked
 * (the available ones, or all of them in panic mode).
 *
 * @param <V> the immutable view type the subclass picks from
 */
public abstract class AbstractBalancer<V> implements Membership {
  /*
   * Readers load `view` with one volatile read and use only the immutable arrays it references. A
   * writer builds the next view completely before the volatile write that publishes it, so a reader
   * sees either the old or the new view, fully constructed (release/acquire through `volatile`).
   */
  private final Object writeLock = new Object();
  /** The configuration. */
  protected final BalancerConfig config;
  private Member[] members = new Member[0]; // guarded by writeLock
  private volatile V view;
  private volatile boolean panic;
  private volatile int memberCount;

  /**
   * Creates the base.
   *
   * @param config the shared settings
   */
  protected AbstractBalancer(BalancerConfig config) {
    this.config = config;
  }

  /**
   * Adds the initial endpoints (no slow start) and publishes the first view. Subclasses call it at
   * the end of their constructor.
   *
   * @param initial the initial endpoints
   * @throws IllegalArgumentException on duplicate ids
   */
  protected final void init(Collection<Endpoint> initial) {
    synchronized (writeLock) {
      Set<String> ids = new HashSet<>();
      List<Member> list = new ArrayList<>();
      long now = config.ticker().read();
      for (Endpoint e : initial) {
        Checks.requireNonNull(e, "endpoint");
        Checks.requireArgument(ids.add(e.id()), "duplicate endpoint id: %s", e.id());
        list.add(new Member(e, true, false, false, now, newLoad(now, initial.size())));
      }
      publish(list.toArray(new Member[0]));
    }
  }

  /**
   * Creates the load of a new endpoint; called under the writer lock. The default gives every
   * endpoint its own padded counter; least request packs the counters of small sets ({@link
   * CompactCounters}).
   *
   * @param nowNanos the ticker time
   * @param setSize the number of members once the endpoint is added
   * @return the new load
   */
  protected Load newLoad(long nowNanos, int setSize) {
    return new Load(nowNanos);
  }

  /**
   * Builds the view for the given candidates; called under the writer lock.
   *
   * @param candidates the members that may be picked, in insertion order (possibly empty)
   * @return the immutable view
   */
  protected abstract V buildView(Member[] candidates);

  /** Returns the current view (one volatile read). */
  protected final V view() {
    return view;
  }

  /** Returns whether the current view is in panic mode. */
  public final boolean inPanic() {
    return panic;
  }

  /** Returns the exception thrown when nothing can be picked. */
  protected final NoAvailableEndpointException noEndpoint() {
    int count = memberCount; // volatile read, no lock: a failing pick must not wait for a writer
    return new NoAvailableEndpointException(
        count == 0
            ? "no endpoints"
            : "no available endpoint: all " + count + " endpoints are down or ejected");
  }

  /*
   * Builds the view from `next` first and commits `members` only when that succeeded, so a change
   * the view rejects (a Maglev table smaller than the endpoint count) leaves the balancer as it was.
   */
  private void publish(Member[] next) {
    Member[] members = next;
    int available = 0;
    for (Member m : members) {
      if (m.available()) {
        available++;
      }
    }
    boolean inPanic =
        members.length > 0
            && available * 100.0 < config.panicThresholdPercent() * members.length;
    Member[] candidates;
    if (inPanic) {
      candidates = members.clone();
    } else {
      candidates = new Member[available];
      int i = 0;
      for (Member m : members) {
        if (m.available()) {
          candidates[i++] = m;
        }
      }
    }
    V nextView = buildView(candidates);
    this.members = next;
    memberCount = next.length;
    panic = inPanic;
    // Volatile write publishes the fully built view (see the class comment).
    view = nextView;
  }

  private int indexOf(String id) {
    for (int i = 0; i < members.length; i++) {
      if (members[i].id().equals(id)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public final void add(Endpoint endpoint) {
    Checks.requireNonNull(endpoint, "endpoint");
    synchronized (writeLock) {
      Checks.requireArgument(indexOf(endpoint.id()) < 0, "duplicate endpoint id: %s", endpoint.id());
      long now = config.ticker().read();
      Member[] next = Arrays.copyOf(members, members.length + 1);
      next[members.length] =
          new Member(
              endpoint,
              true,
              false,
              config.slowStart().enabled(),
              now,
              newLoad(now, members.length + 1));
      publish(next);
    }
  }

  @Override
  public final boolean remove(String id) {
    Checks.requireNonNull(id, "id");
    synchronized (writeLock) {
      int i = indexOf(id);
      if (i < 0) {
        return false;
      }
      Member[] next = new Member[members.length - 1];
      System.arraycopy(members, 0, next, 0, i);
      System.arraycopy(members, i + 1, next, i, members.length - i - 1);
      publish(next);
      return true;
    }
  }

  @Override
  public final boolean update(Endpoint endpoint) {
    Checks.requireNonNull(endpoint, "endpoint");
    synchronized (writeLock) {
      int i = indexOf(endpoint.id());
      if (i < 0) {
        return false;
      }
      Member m = members[i];
      replace(i, new Member(endpoint, m.healthy(), m.ejected(), m.ramping(), m.rampStartNanos(), m.load()));
      return true;
    }
  }

  @Override
  public final boolean setHealthy(String id, boolean healthy) {
    Checks.requireNonNull(id, "id");
    synchronized (writeLock) {
      int i = indexOf(id);
      if (i < 0 || members[i].healthy() == healthy) {
        return false;
      }
      Member m = members[i];
      replace(i, changed(m, healthy, m.ejected()));
      return true;
    }
  }

  @Override
  public final boolean setEjected(String id, boolean ejected) {
    Checks.requireNonNull(id, "id");
    synchronized (writeLock) {
      int i = indexOf(id);
      if (i < 0 || members[i].ejected() == ejected) {
        return false;
      }
      Member m = members[i];
      replace(i, changed(m, m.healthy(), ejected));
      return true;
    }
  }

  private Member changed(Member m, boolean healthy, boolean ejected) {
    boolean becomesAvailable = !m.available() && healthy && !ejected;
    if (becomesAvailable && config.slowStart().enabled()) {
      return new Member(m.endpoint(), healthy, ejected, true, config.ticker().read(), m.load());
    }
    return new Member(m.endpoint(), healthy, ejected, m.ramping(), m.rampStartNanos(), m.load());
  }

  private void replace(int i, Member m) {
    Member[] next = members.clone();
    next[i] = m;
    publish(next);
  }

  @Override
  public final List<Endpoint> endpoints() {
    synchronized (writeLock) {
      List<Endpoint> list = new ArrayList<>(members.length);
      for (Member m : members) {
        list.add(m.endpoint());
      }
      return List.copyOf(list);
    }
  }

  @Override
  public final boolean isAvailable(String id) {
    Checks.requireNonNull(id, "id");
    synchronized (writeLock) {
      int i = indexOf(id);
      return i >= 0 && members[i].available();
    }
  }

  /**
   * Returns the load of the member with the given id, or null.
   *
   * @param id the id
   * @return the load or null
   */
  protected final Load loadOf(String id) {
    Checks.requireNonNull(id, "id");
    synchronized (writeLock) {
      int i = indexOf(id);
      return i < 0 ? null : members[i].load();
    }
  }

  /**
   * Returns the in-flight count of an endpoint (0 if unknown).
   *
   * @param id the id
   * @return the count
   * @throws NullPointerException if {@code id} is null
   */
  public int inFlight(String id) {
    Load load = loadOf(id);
    return load == null ? 0 : load.pending();
  }
}
