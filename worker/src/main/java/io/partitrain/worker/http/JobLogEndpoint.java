package io.partitrain.worker.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.partitrain.shared.contracts.JobNames;
import io.partitrain.shared.serde.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /jobs/NAME/log?lines=N} on a worker's HTTP port: the tail of a local job's {@code
 * user_logs/std_log.txt}, for the console, which cannot see the worker's disk. The caller must send
 * the workers' log token ({@code Authorization: Bearer TOKEN}, compared in constant time); the job
 * name must be a Partitrain job name, so nothing outside the jobs folder is ever read.
 */
final class JobLogEndpoint implements HttpHandler {

  static final String PREFIX = "/jobs/";
  static final int DEFAULT_LINES = 200;
  static final int MAX_LINES = 5000;
  private static final int MAX_BYTES = 1 << 20;

  private final Path jobsRoot;
  private final byte[] token;

  JobLogEndpoint(Path jobsRoot, String token) {
    this.jobsRoot = jobsRoot.toAbsolutePath().normalize();
    this.token = token.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    try (ex) {
      if (!"GET".equals(ex.getRequestMethod())) {
        send(ex, 405, Map.of("detail", "only GET"));
        return;
      }
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      byte[] given =
          auth != null && auth.startsWith("Bearer ")
              ? auth.substring(7).getBytes(StandardCharsets.UTF_8)
              : new byte[0];
      if (!MessageDigest.isEqual(given, token)) {
        send(ex, 401, Map.of("detail", "a job's log needs the workers' log token"));
        return;
      }
      URI uri = ex.getRequestURI();
      String path = uri.getPath();
      if (!path.startsWith(PREFIX) || !path.endsWith("/log")) {
        send(ex, 404, Map.of("detail", "not found: " + path));
        return;
      }
      String job = path.substring(PREFIX.length(), path.length() - "/log".length());
      if (!JobNames.isValid(job)) {
        send(ex, 400, Map.of("detail", "job name '" + job + "' must match " + JobNames.RULE));
        return;
      }
      int lines = lines(uri.getQuery());
      Path log = jobsRoot.resolve(job).resolve("user_logs/std_log.txt");
      if (!Files.isRegularFile(log)) {
        send(ex, 404, Map.of("detail", "no log of job " + job + " on this worker"));
        return;
      }
      long offset = offset(uri.getQuery());
      if (offset >= 0) {
        send(ex, 200, chunk(job, log, offset));
        return;
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("type", "JobLogTail");
      body.put("jobName", job);
      body.put("lines", lastLines(log, lines));
      body.put("ended", Files.exists(jobsRoot.resolve(job).resolve("exit_code")));
      send(ex, 200, body);
    }
  }

  /**
   * {@code ?offset=B}: up to 1 MiB from byte B, base64 in {@code data}, with {@code nextOffset} and
   * {@code ended}, so a reader can follow the whole log; the job has ended once its wrapper wrote
   * {@code exit_code}.
   */
  private Map<String, Object> chunk(String job, Path log, long offset) throws IOException {
    boolean ended = Files.exists(jobsRoot.resolve(job).resolve("exit_code"));
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      int n = (int) Math.max(0, Math.min(f.length() - offset, MAX_BYTES));
      byte[] buf = new byte[n];
      if (n > 0) {
        f.seek(offset);
        f.readFully(buf);
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("type", "JobLogChunk");
      body.put("jobName", job);
      body.put("data", java.util.Base64.getEncoder().encodeToString(buf));
      body.put("nextOffset", offset + n);
      body.put("ended", ended);
      return body;
    }
  }

  /** The {@code offset} parameter; -1 when absent or not a byte offset (then: the tail). */
  private static long offset(String query) {
    if (query != null) {
      for (String kv : query.split("&")) {
        if (kv.startsWith("offset=")) {
          try {
            return Math.max(0, Long.parseLong(kv.substring(7)));
          } catch (NumberFormatException e) {
            return -1;
          }
        }
      }
    }
    return -1;
  }

  private static int lines(String query) {
    if (query != null) {
      for (String kv : query.split("&")) {
        if (kv.startsWith("lines=")) {
          try {
            return Math.max(1, Math.min(MAX_LINES, Integer.parseInt(kv.substring(6))));
          } catch (NumberFormatException e) {
            return DEFAULT_LINES;
          }
        }
      }
    }
    return DEFAULT_LINES;
  }

  static List<String> lastLines(Path file, int lines) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long length = f.length();
      int n = (int) Math.min(length, MAX_BYTES);
      byte[] buf = new byte[n];
      f.seek(length - n);
      f.readFully(buf);
      List<String> all = Arrays.asList(new String(buf, StandardCharsets.UTF_8).split("\n", -1));
      if (!all.isEmpty() && all.get(all.size() - 1).isEmpty()) {
        all = all.subList(0, all.size() - 1);
      }
      return List.copyOf(all.subList(Math.max(0, all.size() - lines), all.size()));
    }
  }

  private static void send(HttpExchange ex, int status, Map<String, ?> body) throws IOException {
    byte[] bytes = Json.toBytes(body);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }
}
