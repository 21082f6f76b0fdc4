package io.partitrain.cli.bench;

import io.partitrain.shared.PartitrainException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * The console API's own time for the request a CLI command makes: timed from this (warm) process,
 * so it is the server's answer and the loopback, without a JVM's start-up. One untimed request
 * first, as a person's first command would have warmed nothing of the server either way.
 */
final class ConsoleTimer {

  private final HttpClient http = HttpClient.newHttpClient();
  private final URI base;
  private final String token;

  ConsoleTimer(URI base, String token) {
    this.base = base;
    this.token = token;
  }

  CliBenchReport.Times get(int times, String path) {
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve("/api/v1" + path))
            .header("Authorization", "Bearer " + token)
            .GET()
            .build();
    send(request);
    List<Double> seconds = new ArrayList<>();
    int failures = 0;
    String failure = null;
    for (int i = 0; i < times; i++) {
      long start = System.nanoTime();
      HttpResponse<byte[]> r = send(request);
      seconds.add((System.nanoTime() - start) / 1e9);
      if (r.statusCode() != 200) {
        failures++;
        failure = failure != null ? failure : "HTTP " + r.statusCode();
      }
    }
    return CliBenchReport.Times.of(seconds, failures, failure);
  }

  private HttpResponse<byte[]> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new PartitrainException("the console did not answer " + request.uri() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PartitrainException("interrupted", e);
    }
  }
}
