package io.partitrain.orchestrator.console.api.request;

import io.javalin.http.Context;
import io.partitrain.orchestrator.console.auth.Principal;

/** The authenticated caller of a request, as the authenticating filter left it. */
public final class Callers {

  /** Where the authenticating filter leaves the caller for the handlers. */
  public static final String PRINCIPAL = "partitrain.principal";

  private Callers() {}

  public static Principal principal(Context ctx) {
    Principal p = ctx.attribute(PRINCIPAL);
    if (p == null) {
      throw Problem.unauthorized("no authenticated caller");
    }
    return p;
  }
}
