package io.partitrain.assets;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * An ARM answer with a status below 500 other than 429.
 *
 * @param status HTTP status
 * @param headers the headers the backend reads (lower-case names): Location, Retry-After,
 *     x-ms-ratelimit-remaining-*; never Authorization
 * @param body the JSON body, or null when there was none
 */
public record ArmResponse(int status, Map<String, String> headers, JsonNode body) {

  public ArmResponse {
    headers = Map.copyOf(headers);
  }

  public String header(String lowerCaseName) {
    return headers.get(lowerCaseName);
  }

  public boolean isSuccess() {
    return status >= 200 && status < 300;
  }

  /** ARM's error object as {@code (code: message)}, or empty when the body has none. */
  public static String armError(JsonNode body) {
    if (body == null || !body.has("error")) {
      return "";
    }
    JsonNode err = body.get("error");
    return "(" + err.path("code").asText("") + ": " + err.path("message").asText("") + ")";
  }
}
