package io.partitrain.assets;

/**
 * How the asset component reaches ARM: one call, answered with its status, headers and body. The
 * caller's implementation carries authentication, rate limits, retries of transient failures and
 * the circuit breaker (the worker's {@code ArmTransport}); the asset component only says what to
 * ask, so it needs no worker and the starter can give it its own transport.
 */
@FunctionalInterface
public interface ArmCalls {

  /**
   * @return the answer (any status below 500 but 429, which the implementation retries)
   * @throws ArmCallException when ARM kept failing, throttled beyond the wait allowed, or refused
   */
  ArmResponse execute(ArmRequest request);
}
