package io.partitrain.worker.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

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

  private HttpResponse<String> get(WorkerHttpServer server, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
