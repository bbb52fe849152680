package io.perfkit.balance;

/**
 * Thrown by {@code pick()} when a balancer has no endpoint to return: the membership is empty, or
 * every endpoint is down or ejected and panic mode does not apply (see {@link
 * Balancers#panicThreshold(double)}).
 */
public final class NoAvailableEndpointException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message the detail message
   */
  public NoAvailableEndpointException(String message) {
    super(message, null, false, false);
  }
}
