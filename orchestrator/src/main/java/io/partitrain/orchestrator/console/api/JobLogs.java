package io.partitrain.orchestrator.console.api;

import io.partitrain.orchestrator.console.view.PartitionView;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A job's log for the console: the tail of a local job's {@code user_logs/std_log.txt} when it lies
 * under the configured jobs folder (the all-in-one installation, where the orchestrator shares the
 * workers' disk), else read from the worker that created the job (its HTTP port, named in the job's
 * evidence, with the workers' log token: {@link WorkerLogs}), the Studio link of an Azure ML job,
 * or a plain statement of why there is none. Nothing outside the jobs folder is ever read, whatever
 * path an event names.
 */
public final class JobLogs {

  public static final int DEFAULT_LINES = 200;
  public static final int MAX_LINES = 5000;
  private static final int MAX_BYTES = 1 << 20;

  private final Optional<Path> root;
  private final WorkerLogs workers;

  /**
   * @param root the folder local jobs run in; empty where the console cannot see the workers' disk
   */
  public JobLogs(Optional<Path> root) {
    this(root, null);
  }

  /**
   * @param workers reads a log from the worker that created the job, where the job's evidence names
   *     its address; null: only logs under {@code root} are shown
   */
  public JobLogs(Optional<Path> root, WorkerLogs workers) {
    this.root = root.map(p -> p.toAbsolutePath().normalize());
    this.workers = workers;
  }

  /** The last {@code lines} lines of the partition's current log, or where to find it. */
  public Map<String, Object> tail(PartitionView p, int lines) {
    return tail(p, null, lines);
  }

  /**
   * The last {@code lines} lines of the partition's current log, or where to find it.
   *
   * @param workerLogUrl where the worker that created the current attempt serves its log, if it
   *     does
   */
  public Map<String, Object> tail(PartitionView p, String workerLogUrl, int lines) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("type", "JobLog");
    out.put("partitionId", p.partitionId());
    out.put("attempt", p.attempt());
    out.put("jobName", p.jobName());
    String location = p.logPath();
    out.put("location", location);
    if (location == null) {
      out.put("available", false);
      out.put("detail", "no log location reported yet for attempt " + p.attempt());
      return out;
    }
    if (location.startsWith("https://")) {
      out.put("available", false);
      out.put("studioUrl", location);
      out.put("detail", "an Azure ML job: its log is in Studio (partitrain job logs streams it)");
      return out;
    }
    Path file = Path.of(location).toAbsolutePath().normalize();
    if ((root.isEmpty() || !file.startsWith(root.get()))
        && workers != null
        && workerLogUrl != null) {
      WorkerLogs.Tail t = workers.fetch(workerLogUrl, lines);
      out.put("source", "worker");
      if (t.lines() != null) {
        out.put("lines", t.lines());
        out.put("available", true);
      } else {
        out.put("available", false);
        out.put("detail", t.problem());
      }
      return out;
    }
    if (root.isEmpty() || !file.startsWith(root.get())) {
      out.put("available", false);
      out.put(
          "detail",
          "the log is on the worker's disk, outside this console's jobs folder ("
              + root.map(Path::toString).orElse("none configured")
              + ")");
      return out;
    }
    if (!Files.isRegularFile(file)) {
      out.put("available", false);
      out.put("detail", "no log file yet");
      return out;
    }
    try {
      out.put("lines", lastLines(file, lines));
      out.put("available", true);
    } catch (IOException e) {
      out.put("available", false);
      out.put("detail", "could not read the log: " + e.getMessage());
    }
    return out;
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
}
