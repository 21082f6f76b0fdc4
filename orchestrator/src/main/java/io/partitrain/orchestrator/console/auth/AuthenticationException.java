package io.partitrain.orchestrator.console.auth;

import io.partitrain.shared.PartitrainException;

/** A request's token was missing or not valid: HTTP 401. */
public final class AuthenticationException extends PartitrainException {

  public AuthenticationException(String message) {
    super(message);
  }

  public AuthenticationException(String message, Throwable cause) {
    super(message, cause);
  }
}
