package io.perfkit.balance.internal;

import io.perfkit.balance.Endpoint;
import io.perfkit.balance.Ticker;
import io.perfkit.core.internal.Checks;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Validation and defaults shared by the balancer builders ({@code Balancers} and {@code
 * ConsistentHashing}): set-once settings, endpoint lists with unique ids, the panic threshold and
 * the common {@link BalancerConfig}.
 *
 * <p><b>Threading:</b> stateless; every method is thread-safe.
 */
public final class BuilderSupport {
  /** Default panic threshold in percent (Envoy's default). */
  public static final double DEFAULT_PANIC_THRESHOLD = 50.0;

  private BuilderSupport() {}

  /**
   * Checks that a set-once builder setting has not been set yet.
   *
   * @param field the setting's current value, null while unset
   * @param name the setting's name, for the message
   * @throws IllegalStateException if {@code field} is not null
   */
  public static void requireUnset(Object field, String name) {
    Checks.requireState(field == null, "%s was already set to %s", name, field);
  }

  /**
   * Copies an endpoint collection in iteration order, rejecting nulls and duplicate ids.
   *
   * @param initial the endpoints
   * @return a mutable copy in iteration order
   * @throws NullPointerException if {@code initial} or an element is null
   * @throws IllegalArgumentException if two endpoints share an id
   */
  public static List<Endpoint> copyEndpoints(Collection<Endpoint> initial) {
    Checks.requireNonNull(initial, "endpoints");
    List<Endpoint> copy = new ArrayList<>(initial.size());
    Set<String> ids = new HashSet<>();
    for (Endpoint e : initial) {
      Checks.requireNonNull(e, "endpoint");
      Checks.requireArgument(ids.add(e.id()), "duplicate endpoint id: %s", e.id());
      copy.add(e);
    }
    return copy;
  }

  /**
   * Checks a panic threshold.
   *
   * @param percent the threshold
   * @return {@code percent}
   * @throws IllegalArgumentException if {@code percent} is NaN or outside {@code [0, 100]}
   */
  public static double checkPanicThreshold(double percent) {
    Checks.requireArgument(
        percent >= 0 && percent <= 100, "panicThreshold: %s (expected: in [0, 100])", percent);
    return percent;
  }

  /**
   * Returns the endpoints, or an empty list if none were set.
   *
   * @param endpoints the endpoints, or null
   * @return {@code endpoints} or an empty list
   */
  public static List<Endpoint> orEmpty(List<Endpoint> endpoints) {
    return endpoints == null ? List.of() : endpoints;
  }

  /**
   * Builds the common config, applying the defaults for unset settings.
   *
   * @param panicThreshold the panic threshold, or null for {@value #DEFAULT_PANIC_THRESHOLD}
   * @param ticker the ticker, or null for {@link Ticker#system()}
   * @param slowStart the slow-start settings
   * @return the config
   */
  public static BalancerConfig config(Double panicThreshold, Ticker ticker, SlowStart slowStart) {
    return new BalancerConfig(
        panicThreshold == null ? DEFAULT_PANIC_THRESHOLD : panicThreshold,
        ticker == null ? Ticker.system() : ticker,
        slowStart);
  }
}
