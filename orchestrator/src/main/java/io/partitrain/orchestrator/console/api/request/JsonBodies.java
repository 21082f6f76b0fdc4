package io.partitrain.orchestrator.console.api.request;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.serde.Json;
import java.math.BigDecimal;

/** Request bodies read and checked: a bad one is a 400 naming the field, the value and the rule. */
public final class JsonBodies {

  private static final int MAX_REASON = 500;

  private JsonBodies() {}

  /** The request's body as a JSON object. */
  public static JsonNode body(Context ctx) {
    String text = ctx.body();
    if (text.isBlank()) {
      throw Problem.badRequest("a JSON body is required");
    }
    try {
      JsonNode node = Json.mapper().readTree(text);
      if (node == null || !node.isObject()) {
        throw Problem.badRequest("the body must be a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw Problem.badRequest("the body is not JSON: " + e.getOriginalMessage());
    }
  }

  /**
   * A command body read as the contract type; ids, principal and times in it are ignored (the
   * console sets them).
   */
  public static <T extends RunCommand> T command(JsonNode body, String type, Class<T> as) {
    ObjectNode o = ((ObjectNode) body).deepCopy();
    o.put("type", type);
    o.put("schemaVersion", Schema.VERSION);
    try {
      return as.cast(Json.mapper().treeToValue(o, RunCommand.class));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw Problem.badRequest(
          "the body is not a "
              + type
              + " command: "
              + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  /** The {@code reason} field of the request's body. */
  public static String reason(Context ctx) {
    return reason(body(ctx));
  }

  public static String reason(JsonNode body) {
    JsonNode r = body.get("reason");
    if (r == null || !r.isTextual() || r.asText().isBlank()) {
      throw Problem.badRequest(
          "field 'reason' is required: say why, it is recorded with the event");
    }
    String text = r.asText().strip();
    if (text.length() > MAX_REASON) {
      throw Problem.badRequest(
          "field 'reason' must be at most " + MAX_REASON + " characters, but was " + text.length());
    }
    return text;
  }

  /** The {@code to} field: an amount of money, at least 0. */
  public static BigDecimal money(JsonNode body) {
    JsonNode to = body.get("to");
    BigDecimal v;
    try {
      v = to == null ? null : new BigDecimal(to.asText());
    } catch (NumberFormatException e) {
      v = null;
    }
    if (v == null || v.signum() < 0) {
      throw Problem.badRequest(
          "field 'to' must be an amount of money, at least 0 (150.00), but was " + to);
    }
    return v;
  }
}
