package io.partitrain.orchestrator.console.auth;

import io.javalin.security.RouteRole;
import java.util.Locale;
import java.util.Optional;

/**
 * What a caller may do. Each endpoint names the one role it needs; {@link #grants} says which roles
 * include which: an admin may do everything, operators and FinOps analysts may also view.
 *
 * <table>
 *   <caption>roles</caption>
 *   <tr><th>role</th><th>may</th></tr>
 *   <tr><td>viewer</td><td>read runs, partitions, jobs, schedules</td></tr>
 *   <tr><td>operator</td><td>viewer, plus rerun failed, cancel, schedule pause/resume</td></tr>
 *   <tr><td>finops</td><td>viewer, plus FinOps views (report, ledger, cap events, CSV) and cap raise</td></tr>
 *   <tr><td>admin</td><td>all of the above, plus cap set (lower a cap, node caps)</td></tr>
 * </table>
 */
public enum Role implements RouteRole {
  VIEWER,
  OPERATOR,
  FINOPS,
  ADMIN;

  /** Whether a caller holding this role may use an endpoint that needs {@code needed}. */
  public boolean grants(Role needed) {
    return switch (this) {
      case ADMIN -> true;
      case OPERATOR -> needed == OPERATOR || needed == VIEWER;
      case FINOPS -> needed == FINOPS || needed == VIEWER;
      case VIEWER -> needed == VIEWER;
    };
  }

  /**
   * The role an Entra ID app role value names: {@code viewer}, {@code Partitrain.Viewer}, {@code
   * partitrain.operator}, … (case-insensitive); empty for a value that names none.
   */
  public static Optional<Role> fromClaim(String value) {
    if (value == null) {
      return Optional.empty();
    }
    String v = value.toLowerCase(Locale.ROOT);
    if (v.startsWith("partitrain.")) {
      v = v.substring("partitrain.".length());
    }
    for (Role r : values()) {
      if (r.name().toLowerCase(Locale.ROOT).equals(v)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
