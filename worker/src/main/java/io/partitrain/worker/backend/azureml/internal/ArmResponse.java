package io.partitrain.worker.backend.azureml.internal;

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
}
