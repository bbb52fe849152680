package io.perfkit.balance;

import io.perfkit.core.internal.Checks;

/**
 * Primary/replica routing: writes go to the primary; reads go to a replica chosen by any {@link
 * Balancer} and fall back to the primary when no replica is available (all down, ejected or
 * removed, with panic mode not applying) or when the caller asks for the primary (for example to
 * read its own write).
 *
 * <p><b>Threading:</b> thread-safe if the replica balancer is (all perfkit balancers are); the
 * replica set changes through the balancer's {@link Membership} methods.
 */
public final class ReplicaRouter {
  private final Endpoint primary;
  private final Balancer replicas;

  private ReplicaRouter(Endpoint primary, Balancer replicas) {
    this.primary = primary;
    this.replicas = replicas;
  }

  /**
   * Creates a router.
   *
   * @param primary the primary endpoint
   * @param replicas the balancer over the read replicas (the primary need not be a member)
   * @return the router
   * @throws NullPointerException if an argument is null
   */
  public static ReplicaRouter of(Endpoint primary, Balancer replicas) {
    return new ReplicaRouter(
        Checks.requireNonNull(primary, "primary"), Checks.requireNonNull(replicas, "replicas"));
  }

  /**
   * Returns the endpoint for a write: always the primary.
   *
   * @return the primary
   */
  public Endpoint forWrite() {
    return primary;
  }

  /**
   * Returns the endpoint for a read: a replica, or the primary if none is available.
   *
   * @return the chosen endpoint
   */
  public Endpoint forRead() {
    try {
      return replicas.pick();
    } catch (NoAvailableEndpointException e) {
      return primary;
    }
  }

  /**
   * Returns the endpoint for a read that must see the caller's latest write.
   *
   * @param requirePrimary {@code true} to read from the primary
   * @return the primary if {@code requirePrimary}, else as {@link #forRead()}
   */
  public Endpoint forRead(boolean requirePrimary) {
    return requirePrimary ? primary : forRead();
  }

  /** Returns the replica balancer (to add, remove or mark replicas). */
  public Balancer replicas() {
    return replicas;
  }
}
