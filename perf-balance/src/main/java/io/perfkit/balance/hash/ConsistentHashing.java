package io.perfkit.balance.hash;

import static io.perfkit.balance.internal.BuilderSupport.requireUnset;

import io.perfkit.balance.Endpoint;
import io.perfkit.balance.Ticker;
import io.perfkit.balance.internal.BalancerConfig;
import io.perfkit.balance.internal.BuilderSupport;
import io.perfkit.balance.internal.SlowStart;
import io.perfkit.core.internal.Checks;
import java.util.Collection;
import java.util.List;

/**
 * Builder for the consistent-hashing balancers. Each setter may be called once (a second call
 * throws {@link IllegalStateException}); a terminal method rejects settings that do not apply.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th><th>applies to</th></tr>
 *   <tr><td>{@link #panicThreshold}</td><td>50 %</td><td>all</td></tr>
 *   <tr><td>{@link #virtualNodes}</td><td>{@value #DEFAULT_VIRTUAL_NODES} per endpoint of
 *       average weight</td><td>ring, bounded load</td></tr>
 *   <tr><td>{@link #maxRingSize}</td><td>{@value #DEFAULT_MAX_RING_SIZE}</td><td>ring, bounded
 *       load</td></tr>
 *   <tr><td>{@link #tableSize}</td><td>{@value #DEFAULT_TABLE_SIZE}</td><td>Maglev</td></tr>
 *   <tr><td>{@link #loadFactor}</td><td>1.25</td><td>bounded load</td></tr>
 * </table>
 *
 * <p>Weights: ring (virtual nodes), Maglev (table entries) and rendezvous (logarithmic method)
 * honour them; jump hash ignores them (buckets are numbered, not weighted).
 *
 * <p><b>Threading:</b> a builder is not thread-safe; what it builds is.
 */
public final class ConsistentHashing {
  /** Default virtual nodes per endpoint of average weight. */
  public static final int DEFAULT_VIRTUAL_NODES = 1024;
  /** Default cap on ring points (Envoy's maximum_ring_size). */
  public static final int DEFAULT_MAX_RING_SIZE = 8_388_608;
  /** Default Maglev table size (the paper's 65537, a prime). */
  public static final int DEFAULT_TABLE_SIZE = 65_537;

  private List<Endpoint> endpoints;
  private Double panicThreshold;
  private Ticker ticker;
  private Integer virtualNodes;
  private Integer maxRingSize;
  private Integer tableSize;
  private Double loadFactor;

  private ConsistentHashing() {}

  /**
   * Returns a new builder.
   *
   * @return the builder
   */
  public static ConsistentHashing newBuilder() {
    return new ConsistentHashing();
  }

  /**
   * Sets the initial endpoints. Default: none.
   *
   * @param initial the endpoints
   * @return this builder
   * @throws NullPointerException if {@code initial} or an element is null
   * @throws IllegalArgumentException if two endpoints share an id
   * @throws IllegalStateException if already set
   */
  public ConsistentHashing endpoints(Collection<Endpoint> initial) {
    requireUnset(endpoints, "endpoints");
    endpoints = BuilderSupport.copyEndpoints(initial);
    return this;
  }

  /**
   * Sets the panic threshold (see {@code Balancers.panicThreshold}). Default 50.
   *
   * @param percent in {@code [0, 100]}
   * @return this builder
   * @throws IllegalArgumentException if {@code percent} is NaN or outside {@code [0, 100]}
   * @throws IllegalStateException if already set
   */
  public ConsistentHashing panicThreshold(double percent) {
    requireUnset(panicThreshold, "panicThreshold");
    panicThreshold = BuilderSupport.checkPanicThreshold(percent);
    return this;
  }

  /**
   * Sets the ticker (only lease latency measurement uses time). Default {@link Ticker#system()}.
   *
   * @param newTicker the ticker
   * @return this builder
   * @throws NullPointerException if {@code newTicker} is null
   * @throws IllegalStateException if already set
   */
  public ConsistentHashing ticker(Ticker newTicker) {
    requireUnset(ticker, "ticker");
    ticker = Checks.requireNonNull(newTicker, "ticker");
    return this;
  }

  /**
   * Sets the ring's virtual nodes per endpoint of average weight; an endpoint of weight w gets
   * {@code round(virtualNodes * n * w / sum(w))} points, at least one.
   *
   * @param count positive
   * @return this builder
   * @throws IllegalArgumentException if {@code count} is zero or negative
   * @throws IllegalStateException if already set
   */
  public ConsistentHashing virtualNodes(int count) {
    requireUnset(virtualNodes, "virtualNodes");
    virtualNodes = Checks.checkPositive(count, "virtualNodes");
    return this;
  }

  /**
   * Caps the number of ring points; larger rings are scaled down proportionally.
   *
   * @param size positive
   * @return this builder
   * @throws IllegalArgumentException if {@code size} is zero or negative
   * @throws IllegalStateException if already set
   */
  public ConsistentHashing maxRingSize(int size) {
    requireUnset(maxRingSize, "maxRingSize");
    maxRingSize = Checks.checkPositive(size, "maxRingSize");
    return this;
  }

  /**
   * Sets the Maglev lookup table size: a prime, at least the endpoint count (the paper recommends
   * more than 100 entries per endpoint for balance within 1 %).
   *
   * @param size a prime
   * @return this builder
   * @throws IllegalArgumentException if {@code size} is not a prime
   * @throws IllegalStateException if already set
   */
  public ConsistentHashing tableSize(int size) {
    requireUnset(tableSize, "tableSize");
    Checks.requireArgument(isPrime(size), "tableSize: %s (expected: a prime)", size);
    tableSize = size;
    return this;
  }

  /**
   * Sets the bounded-load factor c: no endpoint takes more than {@code ceil(c * m / n)} keys in
   * flight. Default 1.25.
   *
   * @param c finite and {@code > 1}
   * @return this builder
   * @throws IllegalArgumentException if {@code c} is NaN, infinite or not above 1
   * @throws IllegalStateException if already set
   */
  public ConsistentHashing loadFactor(double c) {
    requireUnset(loadFactor, "loadFactor");
    Checks.requireArgument(
        c > 1 && !Double.isInfinite(c), "loadFactor: %s (expected: finite and > 1)", c);
    loadFactor = c;
    return this;
  }

  static boolean isPrime(int n) {
    if (n < 2) {
      return false;
    }
    if (n % 2 == 0) {
      return n == 2;
    }
    for (int d = 3; (long) d * d <= n; d += 2) {
      if (n % d == 0) {
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------- terminal methods

  /**
   * Builds a ketama-style ring: weighted virtual nodes, binary search with wrap-around.
   *
   * @return the balancer
   * @throws IllegalStateException if a setting that does not apply was set
   */
  public ConsistentHash ring() {
    reject("ring", tableSize, "tableSize", loadFactor, "loadFactor");
    return new RingHash(config(), vnodes(), ringCap(), endpointsOrEmpty());
  }

  /**
   * Builds Maglev hashing.
   *
   * @return the balancer
   * @throws IllegalArgumentException if the table is smaller than the endpoint count
   * @throws IllegalStateException if a setting that does not apply was set
   */
  public ConsistentHash maglev() {
    reject("maglev", virtualNodes, "virtualNodes", maxRingSize, "maxRingSize");
    reject("maglev", loadFactor, "loadFactor", null, "");
    int size = tableSize == null ? DEFAULT_TABLE_SIZE : tableSize;
    Checks.requireArgument(
        size >= endpointsOrEmpty().size(),
        "tableSize: %s (expected: >= endpoint count %s)",
        size,
        endpointsOrEmpty().size());
    return new MaglevHash(config(), size, endpointsOrEmpty());
  }

  /**
   * Builds jump consistent hash over the available endpoints in insertion order. Removing any
   * endpoint but the last renumbers the ones after it (jump hash's known limit): prefer it for
   * append-only sets such as shards.
   *
   * @return the balancer
   * @throws IllegalStateException if a setting that does not apply was set
   */
  public ConsistentHash jump() {
    reject("jump", virtualNodes, "virtualNodes", maxRingSize, "maxRingSize");
    reject("jump", tableSize, "tableSize", loadFactor, "loadFactor");
    return new JumpConsistentHash(config(), endpointsOrEmpty());
  }

  /**
   * Builds weighted rendezvous (highest random weight) hashing; O(n) per lookup.
   *
   * @return the balancer
   * @throws IllegalStateException if a setting that does not apply was set
   */
  public ConsistentHash rendezvous() {
    reject("rendezvous", virtualNodes, "virtualNodes", maxRingSize, "maxRingSize");
    reject("rendezvous", tableSize, "tableSize", loadFactor, "loadFactor");
    return new RendezvousHash(config(), endpointsOrEmpty());
  }

  /**
   * Builds consistent hashing with bounded loads on a ring.
   *
   * @return the balancer
   * @throws IllegalStateException if a setting that does not apply was set
   */
  public BoundedLoadHash boundedLoad() {
    reject("boundedLoad", tableSize, "tableSize", null, "");
    return new BoundedLoadRing(
        config(), loadFactor == null ? 1.25 : loadFactor, vnodes(), ringCap(), endpointsOrEmpty());
  }

  private void reject(String what, Object a, String aName, Object b, String bName) {
    Checks.requireState(a == null, "%s does not apply to %s", aName, what);
    Checks.requireState(b == null, "%s does not apply to %s", bName, what);
  }

  private int vnodes() {
    return virtualNodes == null ? DEFAULT_VIRTUAL_NODES : virtualNodes;
  }

  private int ringCap() {
    return maxRingSize == null ? DEFAULT_MAX_RING_SIZE : maxRingSize;
  }

  private List<Endpoint> endpointsOrEmpty() {
    return BuilderSupport.orEmpty(endpoints);
  }

  private BalancerConfig config() {
    return BuilderSupport.config(panicThreshold, ticker, SlowStart.OFF);
  }
}
