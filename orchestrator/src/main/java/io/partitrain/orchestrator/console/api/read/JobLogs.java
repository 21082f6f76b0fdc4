package io.partitrain.orchestrator.console.api.read;

import io.partitrain.orchestrator.console.view.PartitionView;
import io.partitrain.shared.contracts.JobNames;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
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
  private static final String LOG_FILE = "user_logs/std_log.txt";

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
    String studio = studioUrl(p);
    if (studio != null) {
      out.put("available", false);
      out.put("studioUrl", studio);
      out.put("detail", "an Azure ML job: its log is in Studio (partitrain job logs streams it)");
      return out;
    }
    if (location == null) {
      out.put("available", false);
      out.put("detail", "no log location reported yet for attempt " + p.attempt());
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

  /**
   * Up to {@value #MAX_BYTES} bytes of an attempt's log from byte {@code offset}, base64 in {@code
   * data}, with {@code nextOffset} and whether the job has {@code ended} (its wrapper wrote {@code
   * exit_code}): what {@code partitrain job logs --server [--follow]} reads until the job ended and
   * nothing is left. {@code available} false says why there is nothing to read here.
   *
   * @param workerLogUrl where the worker that created this attempt serves its log, if it does
   */
  public Map<String, Object> chunk(
      String runId, PartitionView p, int attempt, String workerLogUrl, long offset) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("type", "JobLogChunk");
    out.put("partitionId", p.partitionId());
    out.put("attempt", attempt);
    String jobName = JobNames.of(runId, p.partitionId(), attempt);
    out.put("jobName", jobName);
    out.put("offset", offset);
    String current = p.logPath();
    String studio = studioUrl(p);
    if (studio != null) {
      out.put("available", false);
      if (attempt == p.attempt()) {
        out.put("studioUrl", studio); // the link names the current attempt only
      }
      out.put(
          "detail",
          "an Azure ML job: the console has no Azure identity to read its log; it is in Studio,"
              + " and 'partitrain job logs --backend azureml' (without --server) streams it");
      return out;
    }
    Optional<Path> file = localFile(current, jobName);
    if (file.isPresent()) {
      return readChunk(out, file.get(), offset);
    }
    if (workers != null && workerLogUrl != null) {
      WorkerLogs.Chunk c = workers.fetchFrom(workerLogUrl, offset);
      out.put("source", "worker");
      if (c.problem() != null) {
        out.put("available", false);
        out.put("detail", c.problem());
        return out;
      }
      out.put("available", true);
      out.put("data", c.data());
      out.put("nextOffset", c.nextOffset());
      out.put("ended", c.ended());
      return out;
    }
    out.put("available", false);
    out.put(
        "detail",
        current == null && p.attempt() == attempt
            ? "no log location reported yet for attempt " + attempt
            : "the log is on the worker's disk, outside this console's jobs folder ("
                + root.map(Path::toString).orElse("none configured")
                + "), and the worker named no address to read it from");
    return out;
  }

  /**
   * The Studio page the worker reported ({@code PartitionTransitioned.studioUrl}); for events
   * written before that field existed, an https log location, which only Azure ML jobs have.
   */
  static String studioUrl(PartitionView p) {
    if (p.studioUrl() != null) {
      return p.studioUrl();
    }
    return p.logPath() != null && p.logPath().startsWith("https://") ? p.logPath() : null;
  }

  /** The attempt's log file under the jobs folder, when this console can see that folder. */
  private Optional<Path> localFile(String currentLocation, String jobName) {
    if (root.isEmpty()) {
      return Optional.empty();
    }
    Path file = root.get().resolve(jobName).resolve(LOG_FILE).normalize();
    if (!file.startsWith(root.get())) {
      return Optional.empty();
    }
    if (Files.isRegularFile(file)) {
      return Optional.of(file);
    }
    // Not there (yet): only claim it when the job reported a location under this folder.
    return currentLocation != null
            && Path.of(currentLocation).toAbsolutePath().normalize().startsWith(root.get())
        ? Optional.of(file)
        : Optional.empty();
  }

  private static Map<String, Object> readChunk(Map<String, Object> out, Path file, long offset) {
    boolean ended = Files.exists(file.getParent().getParent().resolve("exit_code"));
    if (!Files.isRegularFile(file)) {
      out.put("available", true);
      out.put("data", "");
      out.put("nextOffset", offset);
      out.put("ended", ended);
      return out;
    }
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long length = f.length();
      int n = (int) Math.max(0, Math.min(length - offset, MAX_BYTES));
      byte[] buf = new byte[n];
      if (n > 0) {
        f.seek(offset);
        f.readFully(buf);
      }
      out.put("available", true);
      out.put("data", Base64.getEncoder().encodeToString(buf));
      out.put("nextOffset", offset + n);
      out.put("ended", ended);
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
