package io.partitrain.cli;

import io.partitrain.orchestrator.console.Console;
import io.partitrain.orchestrator.console.auth.LocalTokenAuthenticator;
import java.io.PrintWriter;

/**
 * The lines that tell a person where the console of an in-process stack is ({@code up} and {@code
 * demo} print them the same way): its address and the local token, printed once and nowhere else.
 */
public final class ConsoleBanner {

  private ConsoleBanner() {}

  /** Prints the page's address and the local token. */
  public static void print(PrintWriter info, Console console, LocalTokenAuthenticator token) {
    info.printf(
        "  Console: %s  (API %sapi/v1/runs, metrics %smetrics)%n",
        console.url(), console.url(), console.url());
    info.printf(
        "  Token:   %s  (send as 'Authorization: Bearer TOKEN'; it lives until this process ends)%n",
        token.token());
    info.flush();
  }
}
