package io.partitrain.orchestrator.console.api.read;

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

  /** What one call from an offset answered: base64 bytes, the next offset, whether it ended. */
  public record Chunk(String data, long nextOffset, boolean ended, String problem) {}

  /** The last {@code lines} lines at {@code url}. */
  public Tail fetch(String url, int lines) {
    Answer a = call(url, "lines=" + lines);
    if (a.problem() != null) {
      return new Tail(null, a.problem());
    }
    List<String> out = new ArrayList<>();
    a.body().path("lines").forEach(l -> out.add(l.asText()));
    return new Tail(out, null);
  }

  /** The log at {@code url} from byte {@code offset} (the worker sends at most 1 MiB a call). */
  public Chunk fetchFrom(String url, long offset) {
    Answer a = call(url, "offset=" + offset);
    if (a.problem() != null) {
      return new Chunk(null, offset, false, a.problem());
    }
    JsonNode b = a.body();
    return new Chunk(
        b.path("data").asText(""),
        b.path("nextOffset").asLong(offset),
        b.path("ended").asBoolean(false),
        null);
  }

  private record Answer(JsonNode body, String problem) {}

  private Answer call(String url, String query) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      return new Answer(null, "the worker named no valid log address");
    }
    String scheme = uri.getScheme();
    if (!("http".equals(scheme) || "https".equals(scheme)) || !uri.getPath().endsWith("/log")) {
      return new Answer(null, "the worker's log address is not an http(s) .../log URL: " + url);
    }
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url + "?" + query))
            .timeout(TIMEOUT)
            .header("Authorization", "Bearer " + token)
            .GET()
            .build();
    try {
      HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
      JsonNode body = Json.mapper().readTree(answer.body());
      if (answer.statusCode() != 200) {
        return new Answer(
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
      return new Answer(body, null);
    } catch (IOException e) {
      return new Answer(
          null, "cannot reach the worker at " + uri.getHost() + ":" + uri.getPort() + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(null, "interrupted while reading the worker's log");
    }
  }

  @Override
  public String toString() {
    return "WorkerLogs[token=***]";
  }
}
