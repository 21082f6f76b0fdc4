package io.partitrain.worker.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerHttpServerTest {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void servesTheRegistrysMetricsAndReadinessAsTheLoopReportsIt() throws Exception {
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.counter("partitrain_worker_submissions_total", "result", "created").increment(3);
    AtomicBoolean running = new AtomicBoolean(true);
    try (WorkerHttpServer server =
        WorkerHttpServer.start("127.0.0.1", 0, registry::scrape, running::get)) {
      HttpResponse<String> metrics = get(server, "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body())
          .contains("partitrain_worker_submissions_total{result=\"created\"} 3.0");

      assertThat(get(server, "/healthz").statusCode()).isEqualTo(200);
      assertThat(get(server, "/readyz").statusCode()).isEqualTo(200);
      running.set(false);
      assertThat(get(server, "/readyz").statusCode()).isEqualTo(503);
    }
  }

  @Test
  void servesALocalJobsLogTailOnlyWithTheLogTokenAndOnlyUnderTheJobsFolder(@TempDir Path jobs)
      throws Exception {
    String token = "t".repeat(40);
    String job = "run-1-store-001-1a2b3c4d-a1";
    Path logs = Files.createDirectories(jobs.resolve(job).resolve("user_logs"));
    Files.writeString(logs.resolve("std_log.txt"), "one\ntwo\nthree\n");
    Files.writeString(jobs.resolve("secret.txt"), "not a log");
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (WorkerHttpServer server =
        WorkerHttpServer.start("127.0.0.1", 0, registry::scrape, () -> true, jobs, token)) {
      String path = "/jobs/" + job + "/log?lines=2";

      HttpResponse<String> ok = get(server, path, token);
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).contains("[\"two\",\"three\"]").contains("\"ended\":false");

      assertThat(get(server, path, null).statusCode()).isEqualTo(401);
      assertThat(get(server, path, "x".repeat(40)).statusCode()).isEqualTo(401);
      assertThat(get(server, path, token.substring(1)).statusCode()).isEqualTo(401);
      assertThat(get(server, "/jobs/..%2Fsecret.txt%00/log", token).statusCode()).isEqualTo(400);
      assertThat(get(server, "/jobs/../secret.txt/log", token).statusCode()).isIn(400, 404);
      assertThat(get(server, "/jobs/" + job + "-a2/log", token).statusCode()).isEqualTo(404);
      assertThat(get(server, "/jobs/../secret.txt/log", token).body()).doesNotContain("not a log");
    }
    // Without a token the endpoint does not exist.
    try (WorkerHttpServer server =
        WorkerHttpServer.start("127.0.0.1", 0, registry::scrape, () -> true, jobs, null)) {
      assertThat(get(server, "/jobs/" + job + "/log", token).statusCode()).isEqualTo(404);
    }
  }

  private HttpResponse<String> get(WorkerHttpServer server, String path) throws Exception {
    return get(server, path, null);
  }

  private HttpResponse<String> get(WorkerHttpServer server, String path, String token)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
