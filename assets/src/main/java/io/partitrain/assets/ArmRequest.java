package io.partitrain.assets;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One ARM call as the backend sends it, without the Authorization header (which is added by the
 * HTTP pipeline and never stored). This is what {@code partitrain job render} prints, so users can
 * diff it against {@code az ml job create --file job.yml --debug}.
 *
 * @param operation a short name for metrics and logs ({@code job.put}, {@code environment.put})
 * @param method HTTP method
 * @param url the full URL, api-version included
 * @param body the JSON body, or null
 */
public record ArmRequest(String operation, String method, String url, JsonNode body) {

  public ArmRequest {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(url, "url");
  }

  /** Whether ARM counts this call against the subscription's write bucket. */
  public boolean isWrite() {
    return !method.equals("GET") && !method.equals("HEAD");
  }
}
