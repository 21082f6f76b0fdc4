package io.partitrain.worker.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.partitrain.shared.config.Setting;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The worker's small HTTP port for the platform: {@code /metrics} (Prometheus text), {@code
 * /healthz} (the process answers) and {@code /readyz} (its loop runs and takes work). The JDK's own
 * server: a worker serves no pages and needs no framework.
 */
public final class WorkerHttpServer implements AutoCloseable {

  public static final String DEFAULT_HOST = "127.0.0.1";

  /** The port; the endpoint is off unless it is set (0: any free port). */
  public static final Setting<Integer> PORT =
      Setting.optionalInteger(
          "PARTITRAIN_WORKER_HTTP_PORT",
          "the worker's HTTP port: /metrics, /healthz, /readyz (0: any free port; unset: none)",
          "(off)",
          0,
          65535);

  /** The address to bind. */
  public static final Setting<String> HOST =
      Setting.text(
          "PARTITRAIN_WORKER_HTTP_HOST",
          "the address the worker's HTTP port binds (0.0.0.0 in a pod)",
          DEFAULT_HOST);

  /** The address others reach this port at, named in the evidence of local jobs. */
  public static final Setting<String> URL =
      Setting.text(
          "PARTITRAIN_WORKER_HTTP_URL",
          "the address the console reaches this worker's HTTP port at (http://10.0.0.5:9090; in a"
              + " pod http://$(POD_IP):9090); with PARTITRAIN_WORKER_LOG_TOKEN, the local jobs this"
              + " worker creates name it, and the console shows their log tail from it",
          null);

  /** The settings of the worker's HTTP port, for the README's settings table. */
  public static List<Setting<?>> settings() {
    return List.of(PORT, HOST, URL);
  }

  private final HttpServer server;

  private WorkerHttpServer(HttpServer server) {
    this.server = server;
  }

  /**
   * @param metrics the Prometheus exposition of this process
   * @param ready whether the worker's loop runs
   */
  public static WorkerHttpServer start(
      String host, int port, Supplier<String> metrics, BooleanSupplier ready) {
    return start(host, port, metrics, ready, null, null);
  }

  /**
   * @param jobsRoot the local backend's jobs folder, whose logs {@code /jobs/NAME/log} serves to
   *     callers with {@code logToken}; null (or a null token): no log endpoint
   */
  public static WorkerHttpServer start(
      String host,
      int port,
      Supplier<String> metrics,
      BooleanSupplier ready,
      java.nio.file.Path jobsRoot,
      String logToken) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
      server.setExecutor(Executors.newSingleThreadExecutor(r -> daemon(r)));
      server.createContext(
          "/metrics",
          ex -> reply(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.get()));
      server.createContext(
          "/healthz", ex -> reply(ex, 200, "application/json", "{\"status\":\"UP\"}"));
      server.createContext(
          "/readyz",
          ex -> {
            boolean ok = ready.getAsBoolean();
            reply(ex, ok ? 200 : 503, "application/json", "{\"ready\":" + ok + "}");
          });
      if (jobsRoot != null && logToken != null) {
        server.createContext(JobLogEndpoint.PREFIX, new JobLogEndpoint(jobsRoot, logToken));
      }
      server.start();
      return new WorkerHttpServer(server);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot serve the worker's /metrics on " + host + ":" + port + " (" + PORT.key() + ")",
          e);
    }
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "worker-http");
    t.setDaemon(true);
    return t;
  }

  private static void reply(HttpExchange ex, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", type);
    if (!"GET".equals(ex.getRequestMethod())) {
      ex.sendResponseHeaders(405, -1);
      ex.close();
      return;
    }
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
