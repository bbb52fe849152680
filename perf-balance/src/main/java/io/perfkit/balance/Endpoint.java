package io.perfkit.balance;

import io.perfkit.core.internal.Checks;

/**
 * An immutable endpoint: a non-empty id (unique within one balancer) and a positive, finite weight.
 * The balancer keeps health and load state separately, keyed by id; an {@code Endpoint} is a plain
 * value that can be shared freely.
 *
 * <p><b>Threading:</b> immutable, thread-safe. <b>Allocation:</b> none after construction.
 */
public final class Endpoint {
  private final String id;
  private final double weight;

  private Endpoint(String id, double weight) {
    this.id = id;
    this.weight = weight;
  }

  /**
   * Returns an endpoint of weight 1.
   *
   * @param id the endpoint's id, unique within a balancer
   * @return the endpoint
   * @throws NullPointerException if {@code id} is null
   * @throws IllegalArgumentException if {@code id} is empty
   */
  public static Endpoint of(String id) {
    return of(id, 1.0);
  }

  /**
   * Returns an endpoint with the given weight.
   *
   * @param id the endpoint's id, unique within a balancer
   * @param weight the relative weight; balancers that need integral weights (smooth weighted round
   *     robin's exact schedule) say so
   * @return the endpoint
   * @throws NullPointerException if {@code id} is null
   * @throws IllegalArgumentException if {@code id} is empty or {@code weight} is zero, negative,
   *     NaN or infinite
   */
  public static Endpoint of(String id, double weight) {
    Checks.requireNonNull(id, "id");
    Checks.requireArgument(!id.isEmpty(), "id: \"\" (expected: non-empty)");
    Checks.checkPositiveFinite(weight, "weight");
    return new Endpoint(id, weight);
  }

  /**
   * Returns a copy of this endpoint with another weight.
   *
   * @param newWeight the new weight
   * @return an endpoint with the same id and {@code newWeight}
   * @throws IllegalArgumentException if {@code newWeight} is zero, negative, NaN or infinite
   */
  public Endpoint withWeight(double newWeight) {
    return of(id, newWeight);
  }

  /** Returns the id. */
  public String id() {
    return id;
  }

  /** Returns the weight (positive and finite). */
  public double weight() {
    return weight;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Endpoint
        && ((Endpoint) o).id.equals(id)
        && Double.compare(((Endpoint) o).weight, weight) == 0;
  }

  @Override
  public int hashCode() {
    return id.hashCode() * 31 + Double.hashCode(weight);
  }

  @Override
  public String toString() {
    return weight == 1.0 ? id : id + "(w=" + weight + ")";
  }
}
