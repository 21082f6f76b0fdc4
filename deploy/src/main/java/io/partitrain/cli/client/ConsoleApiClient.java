package io.partitrain.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.shared.PartitrainException;
import io.partitrain.shared.RetriableException;
import io.partitrain.shared.serde.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The CLI's client of the console API ({@code --server}): GETs JSON with the bearer token, turns
 * problem+json answers into errors that say what the server said. The token is never printed.
 */
public final class ConsoleApiClient {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final URI base;
  private final String token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  public ConsoleApiClient(URI base, String token) {
    if (token == null || token.isBlank()) {
      throw new PartitrainException(
          "--server "
              + base
              + " needs a bearer token in $PARTITRAIN_TOKEN (`partitrain up` prints one; or an"
              + " Entra ID access token for the console's audience)");
    }
    this.base = base;
    this.token = token;
  }

  /** One path segment, encoded. */
  public static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** GET {@code /api/v1 + path}. */
  public JsonNode get(String path) {
    return send(HttpRequest.newBuilder(base.resolve("/api/v1" + path)).GET());
  }

  /**
   * GET {@code /api/v1 + path} read straight into a contract type: amounts keep the scale the
   * server wrote (a tree would turn {@code 0.000220} into a double first).
   */
  public <T> T get(String path, Class<T> type) {
    String body = sendForText(HttpRequest.newBuilder(base.resolve("/api/v1" + path)).GET());
    try {
      return Json.mapper().readValue(body, type);
    } catch (IOException e) {
      throw new PartitrainException(
          "the console's answer holds no readable " + type.getSimpleName() + ": " + e.getMessage());
    }
  }

  /** POST {@code body} as JSON to {@code /api/v1 + path}: a command; the answer is the event. */
  public JsonNode post(String path, Object body) {
    return send(
        HttpRequest.newBuilder(base.resolve("/api/v1" + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(Json.toBytes(body))));
  }

  /**
   * {@code GET /runs/RUN?include=summary} as the CLI's run: empty while the orchestrator has
   * published no summary of it yet (a run this young); a missing run is an {@link ApiException}
   * (404).
   */
  public java.util.Optional<RunHistory> run(String runId) {
    JsonNode r = get("/runs/" + segment(runId) + "?include=summary");
    if (!r.path("summary").isObject()) {
      return java.util.Optional.empty();
    }
    java.util.List<io.partitrain.shared.contracts.RunEvent.ComputeCapacityWarning> warnings =
        new java.util.ArrayList<>();
    for (JsonNode w : r.path("warnings")) {
      warnings.add(as(w, io.partitrain.shared.contracts.RunEvent.ComputeCapacityWarning.class));
    }
    return java.util.Optional.of(
        RunHistory.of(
            as(r.get("summary"), io.partitrain.shared.contracts.RunSummary.class),
            r.path("startedAt").isTextual()
                ? java.time.Instant.parse(r.get("startedAt").asText())
                : null,
            r.path("cancel").isObject()
                ? as(r.get("cancel"), io.partitrain.shared.contracts.RunEvent.CancelAccepted.class)
                : null,
            warnings,
            r.path("deadlineAtRisk").isObject()
                ? as(
                    r.get("deadlineAtRisk"),
                    io.partitrain.shared.contracts.RunEvent.DeadlineAtRisk.class)
                : null));
  }

  /** A JSON value of the console's answer as a contract type, or an error naming the type. */
  public static <T> T as(JsonNode node, Class<T> type) {
    try {
      return Json.mapper().treeToValue(node, type);
    } catch (java.io.IOException e) {
      throw new PartitrainException(
          "the console's answer holds no readable " + type.getSimpleName() + ": " + e.getMessage());
    }
  }

  private JsonNode send(HttpRequest.Builder builder) {
    try {
      return Json.mapper().readTree(sendForText(builder));
    } catch (IOException e) {
      throw new PartitrainException("the console at " + base + " answered without JSON");
    }
  }

  private String sendForText(HttpRequest.Builder builder) {
    HttpRequest request =
        builder
            .timeout(TIMEOUT)
            .header("Authorization", "Bearer " + token)
            .header("Accept", "application/json")
            .build();
    URI uri = request.uri();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new RetriableException("cannot reach the console at " + base + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetriableException("interrupted while calling " + uri, e);
    }
    if (response.statusCode() / 100 != 2) {
      JsonNode problem;
      try {
        problem = Json.mapper().readTree(response.body());
      } catch (IOException e) {
        throw new PartitrainException(
            "the console at " + base + " answered " + response.statusCode() + " without JSON");
      }
      throw new ApiException(
          response.statusCode(), problem.path("detail").asText(problem.toString()));
    }
    return response.body();
  }

  /** A problem+json answer: the status and the server's detail. */
  public static final class ApiException extends PartitrainException {
    private final int status;
    private final String detail;

    ApiException(int status, String detail) {
      super("the console answered " + status + ": " + detail);
      this.status = status;
      this.detail = detail;
    }

    public int status() {
      return status;
    }

    /** The server's own words (problem+json {@code detail}). */
    public String detail() {
      return detail;
    }
  }
}
