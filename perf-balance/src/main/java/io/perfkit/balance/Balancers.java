package io.perfkit.balance;

import static io.perfkit.balance.internal.BuilderSupport.requireUnset;

import io.perfkit.balance.internal.BalancerConfig;
import io.perfkit.balance.internal.BuilderSupport;
import io.perfkit.balance.internal.RandomSource;
import io.perfkit.balance.internal.SlowStart;
import io.perfkit.core.internal.Checks;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * Builder for the key-less balancers. Each setter may be called once (a second call throws {@link
 * IllegalStateException}); a terminal method builds one balancer and rejects settings that do not
 * apply to it.
 *
 * <pre>{@code
 * TrackingBalancer lb = Balancers.newBuilder()
 *     .endpoints(List.of(Endpoint.of("a"), Endpoint.of("b"), Endpoint.of("c")))
 *     .decayTime(Duration.ofSeconds(10))
 *     .peakEwma();
 * try (Lease call = lb.pick()) {
 *   send(call.endpoint());
 *   call.complete(true);
 * }
 * }</pre>
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th><th>applies to</th></tr>
 *   <tr><td>{@link #panicThreshold}</td><td>50 %</td><td>all</td></tr>
 *   <tr><td>{@link #ticker}</td><td>{@link Ticker#system()}</td><td>all</td></tr>
 *   <tr><td>{@link #seed}</td><td>thread-local random</td><td>random, weighted random, least
 *       request, peak EWMA</td></tr>
 *   <tr><td>{@link #slowStart}, {@link #slowStartMinWeightPercent} (10 %), {@link
 *       #slowStartAggression} (1.0)</td><td>off</td><td>weighted random, least request</td></tr>
 *   <tr><td>{@link #activeRequestBias}</td><td>1.0</td><td>least request</td></tr>
 *   <tr><td>{@link #choiceCount}</td><td>2</td><td>least request</td></tr>
 *   <tr><td>{@link #fullScanThreshold}</td><td>8</td><td>least request</td></tr>
 *   <tr><td>{@link #decayTime}</td><td>10 s</td><td>peak EWMA</td></tr>
 *   <tr><td>{@link #maxFails}</td><td>1</td><td>smooth weighted round robin</td></tr>
 * </table>
 *
 * <p><b>Threading:</b> a builder is not thread-safe; the balancers it builds are.
 */
public final class Balancers {
  private List<Endpoint> endpoints;
  private Double panicThreshold;
  private Ticker ticker;
  private Long seed;
  private Long slowStartWindowNanos;
  private Double slowStartMinPercent;
  private Double slowStartAggression;
  private Double bias;
  private Integer choiceCount;
  private Integer fullScanThreshold;
  private Long decayNanos;
  private Integer maxFails;

  private Balancers() {}

  /**
   * Returns a new builder.
   *
   * @return the builder
   */
  public static Balancers newBuilder() {
    return new Balancers();
  }

  /**
   * Sets the initial endpoints (insertion order matters to round robin and smooth weighted round
   * robin). Default: none.
   *
   * @param initial the endpoints
   * @return this builder
   * @throws NullPointerException if {@code initial} or an element is null
   * @throws IllegalArgumentException if two endpoints share an id
   * @throws IllegalStateException if already set
   */
  public Balancers endpoints(Collection<Endpoint> initial) {
    requireUnset(endpoints, "endpoints");
    endpoints = BuilderSupport.copyEndpoints(initial);
    return this;
  }

  /**
   * Sets Envoy's panic threshold: when fewer than this percentage of endpoints are available, the
   * balancer picks over all endpoints, available or not. 0 disables panic mode (then an all-down
   * membership throws {@link NoAvailableEndpointException}). Default 50.
   *
   * @param percent the threshold in {@code [0, 100]}
   * @return this builder
   * @throws IllegalArgumentException if {@code percent} is NaN or outside {@code [0, 100]}
   * @throws IllegalStateException if already set
   */
  public Balancers panicThreshold(double percent) {
    requireUnset(panicThreshold, "panicThreshold");
    panicThreshold = BuilderSupport.checkPanicThreshold(percent);
    return this;
  }

  /**
   * Sets the time source for slow start, latency measurement and peak EWMA decay. Default {@link
   * Ticker#system()}.
   *
   * @param newTicker the ticker
   * @return this builder
   * @throws NullPointerException if {@code newTicker} is null
   * @throws IllegalStateException if already set
   */
  public Balancers ticker(Ticker newTicker) {
    requireUnset(ticker, "ticker");
    ticker = Checks.requireNonNull(newTicker, "ticker");
    return this;
  }

  /**
   * Makes random choices come from one seeded sequence shared by all threads (deterministic when
   * picks come from one thread; slower under contention than the default thread-local random).
   *
   * @param newSeed the seed
   * @return this builder
   * @throws IllegalStateException if already set
   */
  public Balancers seed(long newSeed) {
    requireUnset(seed, "seed");
    seed = newSeed;
    return this;
  }

  /**
   * Enables Envoy's slow start: an endpoint added, marked up or restored after the balancer was
   * built gets weight {@code weight * max(minPercent / 100, (t / window)^(1 / aggression))} during
   * the first {@code window}. Endpoints passed to {@link #endpoints} start at full weight.
   *
   * @param window the ramp length, positive
   * @return this builder
   * @throws NullPointerException if {@code window} is null
   * @throws IllegalArgumentException if {@code window} is zero or negative
   * @throws IllegalStateException if already set
   */
  public Balancers slowStart(Duration window) {
    requireUnset(slowStartWindowNanos, "slowStart");
    Checks.requireNonNull(window, "window");
    slowStartWindowNanos = Checks.checkPositive(window.toNanos(), "window");
    return this;
  }

  /**
   * Sets slow start's minimum weight percentage. Default 10.
   *
   * @param percent in {@code (0, 100]}
   * @return this builder
   * @throws IllegalArgumentException if {@code percent} is NaN or outside {@code (0, 100]}
   * @throws IllegalStateException if already set
   */
  public Balancers slowStartMinWeightPercent(double percent) {
    requireUnset(slowStartMinPercent, "slowStartMinWeightPercent");
    Checks.requireArgument(
        percent > 0 && percent <= 100,
        "slowStartMinWeightPercent: %s (expected: in (0, 100])",
        percent);
    slowStartMinPercent = percent;
    return this;
  }

  /**
   * Sets slow start's aggression (1.0 = linear ramp; larger ramps faster at first). Default 1.0.
   *
   * @param aggression positive and finite
   * @return this builder
   * @throws IllegalArgumentException if {@code aggression} is zero, negative, NaN or infinite
   * @throws IllegalStateException if already set
   */
  public Balancers slowStartAggression(double aggression) {
    requireUnset(slowStartAggression, "slowStartAggression");
    slowStartAggression = Checks.checkPositiveFinite(aggression, "aggression");
    return this;
  }

  /**
   * Sets least request's active-request bias: score = weight / (active + 1)^bias. 0 ignores load
   * (weighted random among the choices). Default 1.0.
   *
   * @param newBias finite and {@code >= 0}
   * @return this builder
   * @throws IllegalArgumentException if {@code newBias} is negative, NaN or infinite
   * @throws IllegalStateException if already set
   */
  public Balancers activeRequestBias(double newBias) {
    requireUnset(bias, "activeRequestBias");
    bias = Checks.checkNonNegativeFinite(newBias, "bias");
    return this;
  }

  /**
   * Sets how many random candidates least request compares when it does not scan fully. Default 2.
   *
   * @param count at least 2
   * @return this builder
   * @throws IllegalArgumentException if {@code count} is below 2
   * @throws IllegalStateException if already set
   */
  public Balancers choiceCount(int count) {
    requireUnset(choiceCount, "choiceCount");
    Checks.requireArgument(count >= 2, "choiceCount: %s (expected: >= 2)", count);
    choiceCount = count;
    return this;
  }

  /**
   * Sets the largest endpoint count at which least request scans every endpoint instead of drawing
   * random candidates. 0 always draws (Envoy's default, {@code N_CHOICES}); {@code
   * Integer.MAX_VALUE} always scans (least loaded, like Envoy's {@code FULL_SCAN}, except that a
   * tie goes to the first tied endpoint after a random start rather than to a uniformly chosen
   * one). Default 8: the scan is exact where random choices are not, and on small sets the
   * difference shows in the tail (docs/load-balancing.md); it costs more per pick than two choices
   * from 3 endpoints up (about 1.15-1.7x at 2 threads, 1.25-1.7x alone, at 3-8 endpoints).
   *
   * @param threshold {@code >= 0}
   * @return this builder
   * @throws IllegalArgumentException if {@code threshold} is negative
   * @throws IllegalStateException if already set
   */
  public Balancers fullScanThreshold(int threshold) {
    requireUnset(fullScanThreshold, "fullScanThreshold");
    fullScanThreshold = Checks.checkNonNegative(threshold, "fullScanThreshold");
    return this;
  }

  /**
   * Sets peak EWMA's decay time constant Tau. Default 10 s (Finagle's default).
   *
   * @param tau positive
   * @return this builder
   * @throws NullPointerException if {@code tau} is null
   * @throws IllegalArgumentException if {@code tau} is zero or negative
   * @throws IllegalStateException if already set
   */
  public Balancers decayTime(Duration tau) {
    requireUnset(decayNanos, "decayTime");
    Checks.requireNonNull(tau, "tau");
    decayNanos = Checks.checkPositive(tau.toNanos(), "tau");
    return this;
  }

  /**
   * Sets nginx's {@code max_fails} for smooth weighted round robin: a reported failure lowers the
   * endpoint's effective weight by {@code floor(weight / maxFails)}. Default 1.
   *
   * @param fails positive
   * @return this builder
   * @throws IllegalArgumentException if {@code fails} is zero or negative
   * @throws IllegalStateException if already set
   */
  public Balancers maxFails(int fails) {
    requireUnset(maxFails, "maxFails");
    maxFails = Checks.checkPositive(fails, "maxFails");
    return this;
  }

  // ---------------------------------------------------------------- terminal methods

  /**
   * Builds plain round robin (weights ignored): one shared atomic position per membership, so
   * picks from all threads together visit the available endpoints in turn.
   *
   * @return the balancer
   * @throws IllegalStateException if a setting that does not apply was set
   */
  public Balancer roundRobin() {
    rejectAll("roundRobin", seed, "seed", slowStartWindowNanos, "slowStart");
    rejectLeastRequestAndEwma("roundRobin");
    return new RoundRobinBalancer(config(), endpointsOrEmpty());
  }

  /**
   * Builds uniform random choice (weights ignored).
   *
   * @return the balancer
   * @throws IllegalStateException if a setting that does not apply was set
   */
  public Balancer random() {
    rejectAll("random", slowStartWindowNanos, "slowStart", maxFails, "maxFails");
    rejectLeastRequestAndEwma("random");
    return new RandomBalancer(config(), randomSource(), endpointsOrEmpty());
  }

  /**
   * Builds weighted random choice (probability proportional to weight, slow start supported).
   *
   * @return the balancer
   * @throws IllegalStateException if a setting that does not apply was set
   */
  public Balancer weightedRandom() {
    rejectAll("weightedRandom", maxFails, "maxFails", null, "");
    rejectLeastRequestAndEwma("weightedRandom");
    return new WeightedRandomBalancer(config(), randomSource(), endpointsOrEmpty());
  }

  /**
   * Builds nginx's smooth weighted round robin, exactly: weights a=5, b=1, c=1 give a a b a c a a;
   * ties go to the earlier endpoint; a failure {@linkplain Balancer#report reported} lowers the
   * endpoint's effective weight by {@code floor(weight / maxFails)}, and every pick raises each
   * lowered effective weight by 1 until it is back at the weight. With integral weights whose sum
   * is at most 2^20, the steady state is served from a precomputed period in O(1).
   *
   * @return the balancer
   * @throws IllegalStateException if a setting that does not apply was set
   */
  public Balancer smoothWeightedRoundRobin() {
    rejectAll("smoothWeightedRoundRobin", seed, "seed", slowStartWindowNanos, "slowStart");
    rejectLeastRequestAndEwma("smoothWeightedRoundRobin");
    return new SmoothWeightedBalancer(config(), maxFails == null ? 1 : maxFails, endpointsOrEmpty());
  }

  /**
   * Builds Envoy's least request: a full scan for at most {@link #fullScanThreshold} endpoints,
   * otherwise the best of {@link #choiceCount} random candidates, by score weight / (active +
   * 1)^bias.
   *
   * @return the balancer
   * @throws IllegalStateException if a setting that does not apply was set
   */
  public TrackingBalancer leastRequest() {
    rejectAll("leastRequest", decayNanos, "decayTime", maxFails, "maxFails");
    return new LeastRequestBalancer(
        config(),
        randomSource(),
        bias == null ? 1.0 : bias,
        choiceCount == null ? 2 : choiceCount,
        fullScanThreshold == null ? 8 : fullScanThreshold,
        endpointsOrEmpty());
  }

  /**
   * Builds power of two choices over Finagle's peak-EWMA load (weights ignored).
   *
   * @return the balancer
   * @throws IllegalStateException if a setting that does not apply was set
   */
  public TrackingBalancer peakEwma() {
    rejectAll("peakEwma", slowStartWindowNanos, "slowStart", maxFails, "maxFails");
    rejectAll("peakEwma", bias, "activeRequestBias", choiceCount, "choiceCount");
    rejectAll("peakEwma", fullScanThreshold, "fullScanThreshold", null, "");
    return new PeakEwmaBalancer(
        config(),
        randomSource(),
        decayNanos == null ? Duration.ofSeconds(10).toNanos() : decayNanos,
        endpointsOrEmpty());
  }

  private void rejectLeastRequestAndEwma(String what) {
    rejectAll(what, bias, "activeRequestBias", choiceCount, "choiceCount");
    rejectAll(what, fullScanThreshold, "fullScanThreshold", decayNanos, "decayTime");
  }

  private void rejectAll(String what, Object a, String aName, Object b, String bName) {
    Checks.requireState(a == null, "%s does not apply to %s", aName, what);
    Checks.requireState(b == null, "%s does not apply to %s", bName, what);
    if (slowStartWindowNanos == null) {
      Checks.requireState(
          slowStartMinPercent == null && slowStartAggression == null,
          "slowStartMinWeightPercent/slowStartAggression need slowStart(window)");
    }
  }

  private List<Endpoint> endpointsOrEmpty() {
    return BuilderSupport.orEmpty(endpoints);
  }

  private RandomSource randomSource() {
    return seed == null ? RandomSource.threadLocal() : RandomSource.seeded(seed);
  }

  private BalancerConfig config() {
    SlowStart slowStart =
        slowStartWindowNanos == null
            ? SlowStart.OFF
            : new SlowStart(
                slowStartWindowNanos,
                (slowStartMinPercent == null ? 10.0 : slowStartMinPercent) / 100.0,
                slowStartAggression == null ? 1.0 : slowStartAggression);
    return BuilderSupport.config(panicThreshold, ticker, slowStart);
  }
}
