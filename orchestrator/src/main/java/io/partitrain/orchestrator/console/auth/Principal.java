package io.partitrain.orchestrator.console.auth;

import java.util.Set;

/**
 * Who made a request, from their verified token: never from anything else the client sent.
 *
 * @param subject the token's {@code sub} (for Entra ID, stable per user and application)
 * @param name the token's {@code name} or {@code preferred_username}, when present
 */
public record Principal(String subject, String name, Set<Role> roles) {

  public Principal {
    roles = Set.copyOf(roles);
  }

  public boolean may(Role needed) {
    return roles.stream().anyMatch(r -> r.grants(needed));
  }

  /** What a command records as {@code requestedBy}: subject, and the name when there is one. */
  public String requestedBy() {
    return name == null || name.isBlank() || name.equals(subject)
        ? subject
        : subject + " (" + name + ")";
  }
}
