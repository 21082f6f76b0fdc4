package io.partitrain.orchestrator.console.auth;

import java.util.List;

/** Turns a bearer token into a {@link Principal}, or refuses it. */
public interface Authenticator {

  /**
   * @throws AuthenticationException when the token is not valid here (bad signature, wrong issuer
   *     or audience, expired, unknown); the message says which, and never contains the token
   */
  Principal authenticate(String bearerToken);

  /** The first of {@code authenticators} that accepts the token; the last refusal otherwise. */
  static Authenticator anyOf(List<Authenticator> authenticators) {
    List<Authenticator> all = List.copyOf(authenticators);
    return token -> {
      AuthenticationException last = new AuthenticationException("no authenticator configured");
      for (Authenticator a : all) {
        try {
          return a.authenticate(token);
        } catch (AuthenticationException e) {
          last = e;
        }
      }
      throw last;
    };
  }
}
