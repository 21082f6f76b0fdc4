package io.partitrain.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.cli.client.ConsoleApiClient;
import io.partitrain.orchestrator.console.view.RunFromTopics;
import io.partitrain.orchestrator.console.view.RunView;
import io.partitrain.shared.contracts.JobNames;
import io.partitrain.worker.backend.BackendException;
import io.partitrain.worker.backend.JobLog;
import io.partitrain.worker.backend.JobRef;
import io.partitrain.worker.backend.azureml.AzureMlBackend;
import io.partitrain.worker.backend.azureml.AzureMlConfig;
import io.partitrain.worker.backend.local.LocalJobLog;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code partitrain job logs RUN PARTITION [--attempt N] [--follow]}: a job's {@code
 * user_logs/std_log.txt}, like {@code az ml job stream}. For local jobs it reads the job folder;
 * for Azure ML jobs the workspace's artifact storage, where the studio reads it. With {@code
 * --follow} it keeps printing what the job appends until the job has ended.
 */
@Command(
    name = "logs",
    mixinStandardHelpOptions = true,
    description =
        "Print a job's user_logs/std_log.txt; --follow keeps printing while it runs. With --server,"
            + " the console reads it (local jobs: from the shared jobs folder or the worker).")
public final class JobLogsCommand implements Callable<Integer> {

  /** Where local jobs live when nothing else says. */
  static final String DEFAULT_JOBS_DIR = ".partitrain/jobs";

  /** Highest attempt looked for when {@code --attempt} is not given. */
  static final int MAX_ATTEMPT_PROBE = 100;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "RUN", description = "the run id")
  String runId;

  @Parameters(index = "1", paramLabel = "PARTITION", description = "the partition id")
  String partitionId;

  @Option(names = "--attempt", description = "the attempt (default: the latest one found)")
  Integer attempt;

  @Option(
      names = {"-f", "--follow"},
      description = "keep printing until the job has ended")
  boolean follow;

  @Option(
      names = "--backend",
      description = "local or azureml (default: $PARTITRAIN_BACKEND, else local)")
  String backend;

  @Option(
      names = "--jobs-dir",
      description =
          "local jobs folder (default: the folder of the job's recorded log, else"
              + " $PARTITRAIN_LOCAL_JOBS_DIR, else .partitrain/jobs)")
  Path jobsDir;

  @Option(
      names = "--azureml-config",
      description = "the azureml.* properties file (default: $PARTITRAIN_AZUREML_CONFIG)")
  Path azureMlConfig;

  @Option(
      names = "--interval",
      defaultValue = "PT2S",
      description = "how often --follow reads again (default: ${DEFAULT-VALUE})")
  Duration interval;

  @Mixin ServerOptions server;

  @Mixin KafkaOptions kafka;

  private final Function<AzureMlConfig, AzureMlBackend> azureMlBackends;

  public JobLogsCommand() {
    this(config -> AzureMlBackend.builder(config).build());
  }

  /** For tests: the Azure ML backend to read through. */
  JobLogsCommand(Function<AzureMlConfig, AzureMlBackend> azureMlBackends) {
    this.azureMlBackends = azureMlBackends;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (attempt != null && attempt < 1) {
      err.println("partitrain: --attempt must be at least 1, but was " + attempt);
      return ExitCode.BAD_INPUT.code();
    }
    var api = server.client();
    if (api.isPresent()) {
      try {
        return throughServer(api.get(), out, err);
      } catch (ConsoleApiClient.ApiException e) {
        return Answers.failed(spec, e);
      }
    }
    String kind = backend != null ? backend : env("PARTITRAIN_BACKEND", "local");
    try {
      return switch (kind) {
        case "local" -> local(out, err);
        case "azureml" -> azureMl(out, err);
        default -> {
          err.println("partitrain: --backend must be local or azureml, but was " + kind);
          yield ExitCode.BAD_INPUT.code();
        }
      };
    } catch (BackendException e) {
      err.println("partitrain: " + e.getMessage());
      return ExitCode.UNREACHABLE.code();
    }
  }

  private int local(PrintWriter out, PrintWriter err) {
    JobsFolder folder = jobsFolder();
    Path root = folder.path();
    int a = attempt != null ? attempt : latest(n -> new LocalJobLog(root, n).exists());
    String name = JobNames.of(runId, partitionId, Math.max(a, 1));
    LocalJobLog log = new LocalJobLog(root, name);
    if (a < 1 || !log.exists()) {
      err.println(
          "partitrain: no local job "
              + name
              + " under "
              + root.toAbsolutePath()
              + " ("
              + folder.chosenBy()
              + "); try --jobs-dir with the folder the workers write to, --server with the"
              + " console's URL, or `partitrain job show "
              + runId
              + " "
              + partitionId
              + "` for the job's recorded log location");
      return ExitCode.NOT_FOUND.code();
    }
    return print(log, out);
  }

  /** The local jobs folder looked in, and what chose it (for the not-found message). */
  record JobsFolder(Path path, String chosenBy) {}

  /**
   * {@code --jobs-dir} when given; else the folder of the job's log location as its worker recorded
   * it on the runs topic (issue 23: {@code up --jobs-dir X} wrote there, and {@code job logs}
   * looked under the default and answered "not found" although {@code job show} printed the path);
   * else $PARTITRAIN_LOCAL_JOBS_DIR; else {@code .partitrain/jobs}.
   */
  JobsFolder jobsFolder() {
    if (jobsDir != null) {
      return new JobsFolder(jobsDir, "--jobs-dir");
    }
    Optional<Path> recorded = recordedJobsFolder();
    if (recorded.isPresent()) {
      return new JobsFolder(recorded.get(), "the job's recorded log location");
    }
    String fromEnv = env("PARTITRAIN_LOCAL_JOBS_DIR", "");
    if (!fromEnv.isEmpty()) {
      return new JobsFolder(Path.of(fromEnv), "$PARTITRAIN_LOCAL_JOBS_DIR");
    }
    return new JobsFolder(Path.of(DEFAULT_JOBS_DIR), "the default; no log location was recorded");
  }

  /**
   * The jobs folder of the partition's recorded log, when Kafka answers and the run recorded one of
   * the local form {@code <folder>/<job name>/user_logs/std_log.txt} for a job of this partition: a
   * recorded path that names another job is not followed.
   */
  private Optional<Path> recordedJobsFolder() {
    Optional<RunView> run;
    try {
      run = RunFromTopics.read(kafka.settings(), runId);
    } catch (RuntimeException unreachable) {
      return Optional.empty(); // offline: the flags and defaults still work
    }
    return run.flatMap(
            r ->
                r.partitions().stream()
                    .filter(p -> p.partitionId().equals(partitionId))
                    .findFirst())
        .flatMap(
            p ->
                LocalJobLog.jobsFolderOf(
                    p.logPath(), JobNames.of(runId, partitionId, p.attempt())));
  }

  private int azureMl(PrintWriter out, PrintWriter err) {
    Path file =
        azureMlConfig != null ? azureMlConfig : Path.of(env("PARTITRAIN_AZUREML_CONFIG", ""));
    if (file.toString().isEmpty() || !Files.isRegularFile(file)) {
      err.println(
          "partitrain: --azureml-config (or $PARTITRAIN_AZUREML_CONFIG) must name the azureml.*"
              + " properties file, but was '"
              + file
              + "'");
      return ExitCode.BAD_INPUT.code();
    }
    try (AzureMlBackend b = azureMlBackends.apply(AzureMlConfig.fromProperties(read(file)))) {
      int a =
          attempt != null
              ? attempt
              : latest(n -> b.observe(new JobRef(runId, partitionId, 1, n)).isPresent());
      String name = JobNames.of(runId, partitionId, Math.max(a, 1));
      if (a < 1 || b.observe(new JobRef(runId, partitionId, a, name)).isEmpty()) {
        err.println("partitrain: no job " + name + " in workspace " + b.config().workspace());
        return ExitCode.NOT_FOUND.code();
      }
      return print(b.log(name), out);
    }
  }

  /**
   * Through the console ({@code GET .../jobs/PARTITION/log?offset=}): the console reads the log
   * where it can see it (the jobs folder it shares, or the worker that created the job, with the
   * workers' log token) and hands it on in chunks; the same bytes, and the same end, as reading the
   * file.
   */
  private int throughServer(ConsoleApiClient api, PrintWriter out, PrintWriter err) {
    String path =
        "/runs/"
            + ConsoleApiClient.segment(runId)
            + "/jobs/"
            + ConsoleApiClient.segment(partitionId)
            + "/log?"
            + (attempt == null ? "" : "attempt=" + attempt + "&")
            + "offset=";
    long offset = 0;
    boolean lastLook = !follow;
    while (true) {
      JsonNode chunk = api.get(path + offset);
      if (!chunk.path("available").asBoolean()) {
        String studio = chunk.path("studioUrl").asText("");
        err.println(
            "partitrain: the console cannot show this log: "
                + chunk.path("detail").asText("")
                + (studio.isEmpty() ? "" : "; Studio: " + studio));
        return chunk.path("detail").asText("").startsWith("no log location")
            ? ExitCode.NOT_FOUND.code()
            : ExitCode.UNREACHABLE.code();
      }
      boolean ended = !follow || chunk.path("ended").asBoolean();
      byte[] data = Base64.getDecoder().decode(chunk.path("data").asText(""));
      if (data.length > 0) {
        out.print(new String(data, StandardCharsets.UTF_8));
        out.flush();
        offset = chunk.path("nextOffset").asLong(offset + data.length);
        continue;
      }
      if (ended && lastLook) {
        return ExitCode.OK.code();
      }
      lastLook = ended;
      LockSupport.parkNanos(interval.toNanos());
    }
  }

  /** The highest attempt whose job exists (attempts are made in order), 0 when none. */
  private int latest(java.util.function.Predicate<String> exists) {
    int found = 0;
    for (int a = 1; a <= MAX_ATTEMPT_PROBE; a++) {
      if (!exists.test(JobNames.of(runId, partitionId, a))) {
        break;
      }
      found = a;
    }
    return found;
  }

  private int print(JobLog log, PrintWriter out) {
    long offset = 0;
    boolean lastLook = !follow;
    while (true) {
      boolean ended = !follow || log.ended();
      byte[] chunk = log.readFrom(offset);
      if (chunk.length > 0) {
        out.print(new String(chunk, StandardCharsets.UTF_8));
        out.flush();
        offset += chunk.length;
        continue; // more may be waiting beyond one read
      }
      if (ended && lastLook) {
        return ExitCode.OK.code();
      }
      // A service may flush a job's last lines just after its status turned terminal: one more
      // look, an interval later, before saying it ended.
      lastLook = ended;
      LockSupport.parkNanos(interval.toNanos());
    }
  }

  private static Map<String, String> read(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    }
    Map<String, String> m = new LinkedHashMap<>();
    p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
    return m;
  }

  private static String env(String name, String dflt) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? dflt : v;
  }
}
