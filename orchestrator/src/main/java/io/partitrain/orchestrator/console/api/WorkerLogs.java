package io.partitrain.orchestrator.console.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.shared.serde.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a local job's log tail from the worker that created it ({@code GET /jobs/NAME/log} on its
 * HTTP port, named in the job's evidence), with the workers' log token. Only {@code http} and
 * {@code https} URLs ending in {@code /log} are called, redirects are not followed, and the token
 * goes nowhere else; it is never printed.
 */
public final class WorkerLogs {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final String token;
  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(TIMEOUT)
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  private WorkerLogs(String token) {
    this.token = token;
  }

  /** A reader with the workers' log token; null when there is none (then no worker is asked). */
  public static WorkerLogs withToken(String token) {
    return token == null || token.isBlank() ? null : new WorkerLogs(token);
  }

  /** What one call answered: the lines, or why there are none. */
  public record Tail(List<String> lines, String problem) {}

  /** The last {@code lines} lines at {@code url}. */
  public Tail fetch(String url, int lines) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      return new Tail(null, "the worker named no valid log address");
    }
    String scheme = uri.getScheme();
    if (!("http".equals(scheme) || "https".equals(scheme)) || !uri.getPath().endsWith("/log")) {
      return new Tail(null, "the worker's log address is not an http(s) .../log URL: " + url);
    }
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url + "?lines=" + lines))
            .timeout(TIMEOUT)
            .header("Authorization", "Bearer " + token)
            .GET()
            .build();
    try {
      HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
      JsonNode body = Json.mapper().readTree(answer.body());
      if (answer.statusCode() != 200) {
        return new Tail(
            null,
            "the worker at "
                + uri.getHost()
                + ":"
                + uri.getPort()
                + " answered "
                + answer.statusCode()
                + ": "
                + body.path("detail").asText(""));
      }
      List<String> out = new ArrayList<>();
      body.path("lines").forEach(l -> out.add(l.asText()));
      return new Tail(out, null);
    } catch (IOException e) {
      return new Tail(
          null, "cannot reach the worker at " + uri.getHost() + ":" + uri.getPort() + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Tail(null, "interrupted while reading the worker's log");
    }
  }

  @Override
  public String toString() {
    return "WorkerLogs[token=***]";
  }
}
