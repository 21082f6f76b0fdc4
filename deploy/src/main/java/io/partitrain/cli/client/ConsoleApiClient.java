package io.partitrain.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.shared.PartitrainException;
import io.partitrain.shared.RetriableException;
import io.partitrain.shared.serde.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The CLI's client of the console API ({@code --server}): GETs JSON with the bearer token, turns
 * problem+json answers into errors that say what the server said. The token is never printed.
 *
 * <p>It speaks through {@link HttpURLConnection}, not {@code java.net.http.HttpClient}: a CLI makes
 * one or two requests per process, and the HttpClient's start (its selector thread, its TLS context
 * even for http) cost a cold JVM 0.35 s against 0.05 s for the first request here (issue 29). TLS
 * is verified as the JDK verifies it; redirects are not followed, as before.
 */
public final class ConsoleApiClient {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final URI base;
  private final String token;

  public ConsoleApiClient(URI base, String token) {
    if (token == null || token.isBlank()) {
      throw new PartitrainException(
          "--server "
              + base
              + " needs a bearer token in $PARTITRAIN_TOKEN (`partitrain up` prints one; or an"
              + " Entra ID access token for the console's audience)");
    }
    String scheme = base.getScheme();
    if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
      throw new PartitrainException(
          "--server '" + base + "' must be an http:// or https:// URL of the console");
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
    return send("GET", path, null);
  }

  /**
   * GET {@code /api/v1 + path} read straight into a contract type: amounts keep the scale the
   * server wrote (a tree would turn {@code 0.000220} into a double first).
   */
  public <T> T get(String path, Class<T> type) {
    String body = sendForText("GET", path, null);
    try {
      return Json.mapper().readValue(body, type);
    } catch (IOException e) {
      throw new PartitrainException(
          "the console's answer holds no readable " + type.getSimpleName() + ": " + e.getMessage());
    }
  }

  /** POST {@code body} as JSON to {@code /api/v1 + path}: a command; the answer is the event. */
  public JsonNode post(String path, Object body) {
    return send("POST", path, Json.toBytes(body));
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

  private JsonNode send(String method, String path, byte[] body) {
    try {
      return Json.mapper().readTree(sendForText(method, path, body));
    } catch (IOException e) {
      throw new PartitrainException("the console at " + base + " answered without JSON");
    }
  }

  private String sendForText(String method, String path, byte[] body) {
    URI uri = base.resolve("/api/v1" + path);
    int status;
    String text;
    try {
      HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
      c.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
      c.setReadTimeout((int) TIMEOUT.toMillis());
      c.setInstanceFollowRedirects(false);
      c.setRequestMethod(method);
      c.setRequestProperty("Authorization", "Bearer " + token);
      c.setRequestProperty("Accept", "application/json");
      if (body != null) {
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/json");
        c.setFixedLengthStreamingMode(body.length);
        try (OutputStream out = c.getOutputStream()) {
          out.write(body);
        }
      }
      status = c.getResponseCode();
      try (InputStream in = status / 100 == 2 ? c.getInputStream() : c.getErrorStream()) {
        text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new RetriableException("cannot reach the console at " + base + ": " + e, e);
    }
    if (status / 100 != 2) {
      JsonNode problem;
      try {
        problem = Json.mapper().readTree(text);
      } catch (IOException e) {
        throw new PartitrainException(
            "the console at " + base + " answered " + status + " without JSON");
      }
      if (problem == null || problem.isMissingNode()) {
        throw new PartitrainException(
            "the console at " + base + " answered " + status + " without JSON");
      }
      throw new ApiException(status, problem.path("detail").asText(problem.toString()));
    }
    return text;
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
