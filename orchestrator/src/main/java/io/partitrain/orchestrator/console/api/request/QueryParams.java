package io.partitrain.orchestrator.console.api.request;

import io.javalin.http.Context;
import java.util.Arrays;
import java.util.Locale;

/** Query parameters read and checked: a bad one is a 400 naming the parameter, value and rule. */
public final class QueryParams {

  private QueryParams() {}

  /**
   * Whether {@code ?include=summary} was asked for; any other value of {@code include} is a 400.
   */
  public static boolean includesSummary(Context ctx) {
    String include = ctx.queryParam("include");
    if (include != null && !include.equals("summary")) {
      throw Problem.badRequest(
          "parameter 'include' must be 'summary' (the orchestrator's run summary), but was '"
              + include
              + "'");
    }
    return include != null;
  }

  public static int intParam(Context ctx, String name, int dflt, int min, int max) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v);
      if (n < min || n > max) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw Problem.badRequest(
          "query parameter '"
              + name
              + "' must be a whole number from "
              + min
              + " to "
              + max
              + ", but was '"
              + v
              + "'");
    }
  }

  /** A byte offset, at least 0, given as {@code v} for parameter {@code name}. */
  public static long offsetParam(String name, String v) {
    try {
      long n = Long.parseLong(v);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw Problem.badRequest(
        "query parameter '" + name + "' must be a byte offset, at least 0, but was '" + v + "'");
  }

  public static <E extends Enum<E>> E enumParam(Class<E> type, String name, String value) {
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw Problem.badRequest(
          "query parameter '"
              + name
              + "' must be one of "
              + Arrays.toString(type.getEnumConstants())
              + ", but was '"
              + value
              + "'");
    }
  }
}
