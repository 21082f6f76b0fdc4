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

  /** The settings of the worker's HTTP port, for the README's settings table. */
  public static List<Setting<?>> settings() {
    return List.of(PORT, HOST);
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
