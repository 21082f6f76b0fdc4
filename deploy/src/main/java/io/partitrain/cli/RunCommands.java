package io.partitrain.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.partitrain.cli.client.ConsoleApiClient;
import io.partitrain.cli.client.RunClient;
import io.partitrain.cli.client.RunHistory;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunIds;
import io.partitrain.shared.contracts.RunOutcome;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.plan.LocalPathCheck;
import io.partitrain.shared.plan.Plan;
import io.partitrain.shared.plan.PlanLoader;
import io.partitrain.shared.serde.Json;
import io.partitrain.worker.backend.azureml.AzureMlBackend;
import io.partitrain.worker.backend.azureml.AzureMlConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code partitrain run start|show|wait|list|rerun|cancel|plan}. */
@Command(
    name = "run",
    description = "Start, watch, rerun and cancel runs.",
    mixinStandardHelpOptions = true,
    subcommands = {
      RunCommands.Start.class,
      RunCommands.Show.class,
      RunCommands.Wait.class,
      RunCommands.ListRuns.class,
      RunCommands.Rerun.class,
      RunCommands.Cancel.class,
      RunPlanCommand.class,
      EvidenceCommands.RunEvidenceCommand.class
    })
public final class RunCommands {

  static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  static String user() {
    return System.getProperty("user.name", "unknown");
  }

  /** The default id of a run started by hand: the plan's name and the UTC time. */
  public static String manualRunId(String planName, Instant now) {
    return planName + "-" + STAMP.format(now);
  }

  /** The start command for a loaded plan. */
  public static RunCommand.StartRun startCommand(
      Plan plan, String runId, String requestedBy, Instant now) {
    RunIds.requireValid(runId);
    return new RunCommand.StartRun(
        Schema.VERSION,
        UUID.randomUUID().toString(),
        runId,
        plan.definition(),
        plan.partitions(),
        requestedBy,
        now);
  }

  @Command(
      name = "start",
      description = "Check a plan and start a run of it.",
      mixinStandardHelpOptions = true)
  static final class Start implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin KafkaOptions kafka;

    @Option(names = "--plan", required = true, paramLabel = "FILE", description = "the plan.yml")
    Path planFile;

    @Option(
        names = "--run-id",
        paramLabel = "RUN",
        description = "the run id (default: PLAN-yyyyMMdd-HHmmss, UTC)")
    String runId;

    @Mixin OutputOption output;

    @Mixin ComputeChecks.Options computeCheck;

    @Mixin ServerOptions server;

    @Option(
        names = "--refuse-over-capacity",
        description =
            "refuse the run (exit 2) when a compute target's node cap is more than its Azure ML"
                + " cluster's maxNodeCount or the vCPU quota holds, or when that cannot be checked;"
                + " default: start it and record a ComputeCapacityWarning")
    boolean refuseOverCapacity;

    private final Function<AzureMlConfig, AzureMlBackend> azureMlBackends;

    public Start() {
      this(config -> AzureMlBackend.builder(config).build());
    }

    /** With the backend the compute check asks (a fake ARM in tests). */
    Start(Function<AzureMlConfig, AzureMlBackend> azureMlBackends) {
      this.azureMlBackends = azureMlBackends;
    }

    @Override
    public Integer call() {
      Plan plan = PlanLoader.load(planFile);
      LocalPathCheck.requireAll(plan);
      Instant now = Clock.systemUTC().instant();
      String id = runId != null ? runId : manualRunId(plan.name(), now);
      RunCommand.StartRun start = startCommand(plan, id, user(), now);
      PrintWriter err = spec.commandLine().getErr();
      Optional<Path> settings = computeCheck.file();
      if (settings.isPresent()) {
        List<ComputeChecks.Checked> checked =
            ComputeChecks.check(plan, settings.get(), azureMlBackends);
        for (ComputeChecks.Checked c : checked) {
          if (c.error() != null) {
            err.println("partitrain: compute " + c.computeTarget() + " not checked: " + c.error());
            if (refuseOverCapacity) {
              err.println("partitrain: refused (--refuse-over-capacity): nothing was started");
              return ExitCode.REJECTED.code();
            }
          }
        }
        start = start.withComputes(ComputeChecks.capacities(checked), refuseOverCapacity);
      } else if (refuseOverCapacity) {
        err.println(
            "partitrain: --refuse-over-capacity needs --azureml-config (or $"
                + ComputeChecks.CONFIG_ENV
                + ") to check the compute targets");
        return ExitCode.BAD_INPUT.code();
      }
      var api = server.client();
      if (api.isPresent()) {
        return startThroughServer(api.get(), start, err);
      }
      try (RunClient client = new RunClient(kafka.settings(), "partitrain-cli")) {
        RunEvent answer = client.send(start, ANSWER_TIMEOUT);
        int exit = Answers.print(spec, answer, output.format());
        if (answer instanceof RunEvent.RunStarted && !start.computes().isEmpty()) {
          // Recorded in the same transaction as the start, so they are there now.
          // Read as events, not as a history: a headline read skips warnings, and a run this
          // young has published no summary yet.
          client.events(id).stream()
              .filter(e -> e instanceof RunEvent.ComputeCapacityWarning)
              .flatMap(e -> ((RunEvent.ComputeCapacityWarning) e).problems().stream())
              .forEach(problem -> err.println("partitrain: WARNING: " + problem));
        }
        return exit;
      }
    }

    /**
     * The start through the console ({@code POST /runs}): the same command, the caller's token as
     * {@code requestedBy}; the compute warnings are read back from the console's view of the run
     * once it has read the whole start (every partition's SCHEDULED follows the warnings).
     */
    private int startThroughServer(
        ConsoleApiClient api, RunCommand.StartRun start, PrintWriter err) {
      RunEvent answer;
      try {
        answer = Answers.post(api, "/runs", start);
      } catch (ConsoleApiClient.ApiException e) {
        return Answers.failed(spec, e);
      }
      int exit = Answers.print(spec, answer, output.format());
      if (answer instanceof RunEvent.RunStarted started && !start.computes().isEmpty()) {
        Instant giveUp = Instant.now().plus(ANSWER_TIMEOUT);
        com.fasterxml.jackson.databind.JsonNode run;
        do {
          run = api.get("/runs/" + ConsoleApiClient.segment(started.runId()) + "?include=summary");
        } while (scheduledSum(run) < started.partitionCount()
            && Instant.now().isBefore(giveUp)
            && pause(SERVER_POLL_SHORT));
        for (var w : run.path("warnings")) {
          w.path("problems")
              .forEach(problem -> err.println("partitrain: WARNING: " + problem.asText()));
        }
      }
      return exit;
    }

    private static int scheduledSum(com.fasterxml.jackson.databind.JsonNode run) {
      int n = 0;
      for (var count : run.path("byState")) {
        n += count.asInt();
      }
      return n;
    }
  }

  /** How often {@code --server} asks the console again while waiting for a run. */
  static final Duration SERVER_POLL = Duration.ofSeconds(1);

  private static final Duration SERVER_POLL_SHORT = Duration.ofMillis(100);

  /** Waits {@code d}; true (to go on) unless interrupted. */
  static boolean pause(Duration d) {
    java.util.concurrent.locks.LockSupport.parkNanos(d.toNanos());
    return !Thread.currentThread().isInterrupted();
  }

  /**
   * Follows a run through the console until it is no longer ACTIVE or {@code until} passed: one
   * line per changed summary, as {@link RunClient#follow} does on the topics.
   *
   * @return the run as last read; its outcome is still ACTIVE when the time ran out
   */
  static Optional<RunHistory> followThroughServer(
      ConsoleApiClient api,
      String runId,
      Instant until,
      java.util.function.Consumer<RunSummary> onChange) {
    Optional<RunHistory> h = api.run(runId);
    RunSummary shown = null;
    while (true) {
      if (h.isPresent() && !h.get().summary().equals(shown)) {
        shown = h.get().summary();
        onChange.accept(shown);
      }
      if (h.isPresent() && h.get().outcome() != RunOutcome.ACTIVE) {
        return h;
      }
      if (!Instant.now().isBefore(until) || !pause(SERVER_POLL)) {
        return h;
      }
      h = api.run(runId);
    }
  }

  @Command(
      name = "show",
      description =
          "Show a run: outcome, times, counts; with --partitions, one line per partition.",
      mixinStandardHelpOptions = true)
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin KafkaOptions kafka;

    @Parameters(index = "0", paramLabel = "RUN", description = "the run id")
    String runId;

    @Option(
        names = "--partitions",
        description = "list the partitions: state, attempt, duration, failure class, reason, log")
    boolean partitions;

    @Option(
        names = "--state",
        paramLabel = "STATE",
        description = "with --partitions: only partitions in this state (${COMPLETION-CANDIDATES})")
    PartitionState state;

    @Option(
        names = "--tag",
        paramLabel = "NAME=VALUE",
        description =
            "with --partitions: only partitions with this tag (repeatable: all must match)")
    Map<String, String> tags = new LinkedHashMap<>();

    @Option(
        names = "--all",
        description = "list every partition (default: the first " + RunView.DEFAULT_ROWS + ")")
    boolean all;

    @Option(
        names = {"-w", "--watch"},
        description = "after showing the run, print a line per change until it settles")
    boolean watch;

    @Mixin OutputOption output;

    @Mixin ServerOptions server;

    @Override
    public Integer call() {
      boolean listPartitions = partitions || state != null || !tags.isEmpty();
      var api = server.client();
      if (api.isPresent()) {
        return showThroughServer(api.get(), listPartitions);
      }
      try (RunClient client = new RunClient(kafka.settings(), "partitrain-cli")) {
        Instant asked = Instant.now();
        RunHistory h =
            client.history(runId, listPartitions).orElseThrow(() -> NotFoundException.run(runId));
        Instant now = Instant.now();
        PrintWriter out = spec.commandLine().getOut();
        List<RunHistory.PartitionLine> lines = listPartitions ? selected(h) : List.of();
        if (output.json()) {
          ObjectNode o = RunView.json(h, now);
          if (listPartitions) {
            o.set("partitions", RunView.partitionsJson(lines, h.summary().budget(), now));
          }
          out.println(Json.toPrettyString(o));
        } else {
          RunView.print(h, now, out, !listPartitions);
          if (listPartitions) {
            out.println();
            RunView.printPartitions(lines, h.summary().budget(), all, now, out);
          }
        }
        out.flush();
        if (watch && !h.outcome().isSettled()) {
          watch(client, asked, out);
        }
        return ExitCode.OK.code();
      }
    }

    /** The same table and JSON as from the topics, from the console's view of the run. */
    private int showThroughServer(ConsoleApiClient api, boolean listPartitions) {
      Optional<RunHistory> found;
      List<RunHistory.PartitionLine> lines = List.of();
      try {
        found = api.run(runId);
        if (found.isPresent() && listPartitions) {
          lines = select(partitionsThroughServer(api));
        }
      } catch (ConsoleApiClient.ApiException e) {
        return Answers.failed(spec, e);
      }
      if (found.isEmpty()) {
        // Started, but no summary published yet: what the topics hold is no more than that.
        throw NotFoundException.run(runId);
      }
      RunHistory h = found.get();
      PrintWriter out = spec.commandLine().getOut();
      Instant now = Instant.now();
      if (output.json()) {
        ObjectNode o = RunView.json(h, now);
        if (listPartitions) {
          o.set("partitions", RunView.partitionsJson(lines, h.summary().budget(), now));
        }
        out.println(Json.toPrettyString(o));
      } else {
        RunView.print(h, now, out, !listPartitions);
        if (listPartitions) {
          out.println();
          RunView.printPartitions(lines, h.summary().budget(), all, now, out);
        }
      }
      out.flush();
      if (watch && !h.outcome().isSettled()) {
        Optional<RunHistory> last =
            followThroughServer(
                api,
                runId,
                Instant.now().plus(WATCH_LIMIT),
                s -> {
                  out.println(watchLine(s));
                  out.flush();
                });
        last.ifPresent(l -> out.println("settled: " + RunView.outcomeLine(l)));
        out.flush();
      }
      return ExitCode.OK.code();
    }

    /** Every partition, page by page, in plan order as the topic path lists them. */
    private List<RunHistory.PartitionLine> partitionsThroughServer(ConsoleApiClient api) {
      List<RunHistory.PartitionLine> out = new java.util.ArrayList<>();
      String cursor = null;
      do {
        var page =
            api.get(
                "/runs/"
                    + ConsoleApiClient.segment(runId)
                    + "/partitions?limit=1000"
                    + (state == null ? "" : "&state=" + state)
                    + (cursor == null ? "" : "&cursor=" + cursor));
        page.path("items").forEach(p -> out.add(RunHistory.PartitionLine.fromConsole(runId, p)));
        cursor = page.path("nextCursor").asText(null);
      } while (cursor != null);
      out.sort(java.util.Comparator.comparingInt(RunHistory.PartitionLine::sequence));
      return out;
    }

    private List<RunHistory.PartitionLine> selected(RunHistory h) {
      return select(h.partitions());
    }

    private List<RunHistory.PartitionLine> select(List<RunHistory.PartitionLine> all) {
      return all.stream()
          .filter(p -> state == null || p.state() == state)
          .filter(
              p ->
                  tags.entrySet().stream()
                      .allMatch(t -> t.getValue().equals(p.tags().get(t.getKey()))))
          .toList();
    }

    /** One line per published change, like {@code kubectl get -w}, until the run settles. */
    private void watch(RunClient client, Instant since, PrintWriter out) {
      client.follow(
          runId,
          since,
          s -> RunOutcome.of(s, false) != RunOutcome.ACTIVE,
          s -> {
            out.println(watchLine(s));
            out.flush();
          },
          WATCH_LIMIT);
      client
          .history(runId, false)
          .ifPresent(h -> out.println("settled: " + RunView.outcomeLine(h)));
      out.flush();
    }
  }

  /** How long {@code --watch} follows a run at most. */
  static final Duration WATCH_LIMIT = Duration.ofDays(7);

  static String watchLine(RunSummary s) {
    StringBuilder b =
        new StringBuilder(RunView.time(Instant.now()))
            .append("  ")
            .append(String.format("%-17s", RunOutcome.of(s, false)));
    for (PartitionState st : PartitionState.values()) {
      if (s.count(st) > 0) {
        b.append(' ').append(st).append(' ').append(s.count(st));
      }
    }
    return b.toString();
  }

  @Command(
      name = "wait",
      description = {
        "Wait until a run settles; the exit code says how it ended.",
        "Exit: 0 SUCCEEDED; 2 FAILED, CANCELED or WAITING_ON_BUDGET (needs an operator);"
            + " 3 no such run; 4 the timeout passed first (or Kafka did not answer)."
      },
      mixinStandardHelpOptions = true)
  static final class Wait implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin KafkaOptions kafka;

    @Parameters(index = "0", paramLabel = "RUN", description = "the run id")
    String runId;

    @Option(
        names = "--timeout",
        paramLabel = "DURATION",
        defaultValue = "24h",
        description =
            "give up after this long (default: ${DEFAULT-VALUE}): " + TimeArgs.DURATION_FORMATS)
    Duration timeout;

    @Mixin OutputOption output;

    @Mixin ServerOptions server;

    @Override
    public Integer call() {
      var api = server.client();
      if (api.isPresent()) {
        return waitThroughServer(api.get());
      }
      try (RunClient client = new RunClient(kafka.settings(), "partitrain-cli")) {
        Instant asked = Instant.now();
        RunHistory h = client.history(runId, false).orElseThrow(() -> NotFoundException.run(runId));
        if (h.outcome() == RunOutcome.ACTIVE) {
          PrintWriter err = spec.commandLine().getErr();
          try {
            client.follow(
                runId,
                asked,
                s -> RunOutcome.of(s, false) != RunOutcome.ACTIVE,
                s -> {
                  err.println(watchLine(s));
                  err.flush();
                },
                timeout);
          } catch (io.partitrain.shared.RetriableException e) {
            err.println(
                "partitrain: run "
                    + runId
                    + " did not settle within "
                    + RunView.duration(timeout)
                    + "; still ACTIVE");
            return ExitCode.UNREACHABLE.code();
          }
          h = client.history(runId, false).orElseThrow(() -> NotFoundException.run(runId));
        }
        return settled(h);
      }
    }

    /** Polls the console's view of the run; the same lines and exit codes as the Kafka path. */
    private int waitThroughServer(ConsoleApiClient api) {
      PrintWriter err = spec.commandLine().getErr();
      Optional<RunHistory> h;
      try {
        h =
            followThroughServer(
                api,
                runId,
                Instant.now().plus(timeout),
                s -> {
                  // The first read is the state asked about, not a change (as on the topics).
                  if (RunOutcome.of(s, false) == RunOutcome.ACTIVE) {
                    err.println(watchLine(s));
                    err.flush();
                  }
                });
      } catch (ConsoleApiClient.ApiException e) {
        return Answers.failed(spec, e);
      }
      if (h.isEmpty() || h.get().outcome() == RunOutcome.ACTIVE) {
        err.println(
            "partitrain: run "
                + runId
                + " did not settle within "
                + RunView.duration(timeout)
                + "; still ACTIVE");
        return ExitCode.UNREACHABLE.code();
      }
      return settled(h.get());
    }

    private int settled(RunHistory h) {
      PrintWriter out = spec.commandLine().getOut();
      if (output.json()) {
        out.println(Json.toPrettyString(RunView.json(h, Instant.now())));
      } else {
        out.printf("run %s: %s%n", runId, RunView.outcomeLine(h));
      }
      out.flush();
      return h.outcome() == RunOutcome.SUCCEEDED ? ExitCode.OK.code() : ExitCode.REJECTED.code();
    }
  }

  @Command(
      name = "list",
      description = "List runs: outcome, start, end, duration and counts.",
      mixinStandardHelpOptions = true)
  static final class ListRuns implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin KafkaOptions kafka;

    @Option(names = "--plan", paramLabel = "NAME", description = "only runs of this plan")
    String plan;

    @Option(
        names = "--state",
        paramLabel = "OUTCOME",
        description = "only runs with this outcome (${COMPLETION-CANDIDATES})")
    RunOutcome state;

    @Option(
        names = "--since",
        paramLabel = "TIME",
        description = "only runs started at or after this time: " + TimeArgs.TIME_FORMATS)
    Instant since;

    @Option(
        names = "--all",
        description = "list every run (default: the latest " + RunView.DEFAULT_ROWS + ")")
    boolean all;

    @Mixin OutputOption output;

    @Mixin ServerOptions server;

    /** Every run with a published summary: from the console API, or from the runs topic. */
    private java.util.Collection<RunHistory> histories() {
      var api = server.client();
      if (api.isPresent()) {
        List<RunHistory> out = new java.util.ArrayList<>();
        for (var item : api.get().get("/runs?include=summary").path("items")) {
          if (item.path("summary").isObject()) {
            out.add(
                RunHistory.of(
                    ConsoleApiClient.as(
                        item.get("summary"), io.partitrain.shared.contracts.RunSummary.class),
                    item.path("startedAt").isTextual()
                        ? Instant.parse(item.get("startedAt").asText())
                        : null,
                    item.path("cancel").isObject()
                        ? ConsoleApiClient.as(item.get("cancel"), RunEvent.CancelAccepted.class)
                        : null));
          }
        }
        return out;
      }
      try (RunClient client = new RunClient(kafka.settings(), "partitrain-cli")) {
        return client.histories(since == null ? Instant.EPOCH : since).values();
      }
    }

    @Override
    public Integer call() {
      Instant now = Instant.now();
      List<RunHistory> runs =
          histories().stream()
              .filter(h -> plan == null || plan.equals(h.planName()))
              .filter(h -> state == null || state == h.outcome())
              .filter(
                  h -> since == null || (h.startedAt() != null && !h.startedAt().isBefore(since)))
              .sorted(
                  java.util.Comparator.comparing(
                      RunHistory::startedAt,
                      java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder())))
              .toList();
      PrintWriter out = spec.commandLine().getOut();
      if (output.json()) {
        var a = Json.mapper().createArrayNode();
        runs.forEach(h -> a.add(RunView.json(h, now)));
        out.println(Json.toPrettyString(a));
        out.flush();
        return ExitCode.OK.code();
      }
      int skip = all ? 0 : Math.max(0, runs.size() - RunView.DEFAULT_ROWS);
      if (skip > 0) {
        out.printf("(%d older runs not shown; --all lists every one)%n", skip);
      }
      out.printf(
          "%-36s %-20s %-17s %-20s %-20s %8s %6s %9s %6s%n",
          "RUN", "PLAN", "OUTCOME", "START", "END", "DURATION", "TOTAL", "SUCCEEDED", "FAILED");
      for (RunHistory h : runs.subList(skip, runs.size())) {
        out.printf(
            "%-36s %-20s %-17s %-20s %-20s %8s %6d %9d %6d%n",
            h.runId(),
            h.planName(),
            h.outcome(),
            RunView.time(h.startedAt()),
            RunView.time(h.endedAt()),
            RunView.duration(h.duration(now)),
            h.summary().total(),
            h.summary().count(PartitionState.SUCCEEDED),
            h.summary().failedForGood());
      }
      out.flush();
      return ExitCode.OK.code();
    }
  }

  @Command(
      name = "rerun",
      description = "Rerun a run's FAILED partitions (SUCCEEDED ones are never touched).",
      mixinStandardHelpOptions = true)
  static final class Rerun implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin KafkaOptions kafka;

    @Parameters(index = "0", paramLabel = "RUN", description = "the run id")
    String runId;

    @Option(
        names = "--failed",
        required = true,
        description = "rerun the FAILED partitions (the only selection so far)")
    boolean failed;

    @Option(
        names = "--reason",
        defaultValue = "operator rerun",
        description = "why, recorded with your user name (default: ${DEFAULT-VALUE})")
    String reason;

    @Mixin OutputOption output;

    @Mixin ServerOptions server;

    @Override
    public Integer call() {
      var api = server.client();
      if (api.isPresent()) {
        return Answers.sendThroughServer(
            spec,
            api.get(),
            "/runs/" + ConsoleApiClient.segment(runId) + "/rerun-failed",
            Map.of("reason", reason),
            output.format());
      }
      try (RunClient client = new RunClient(kafka.settings(), "partitrain-cli")) {
        client.history(runId, false).orElseThrow(() -> NotFoundException.run(runId));
        var cmd =
            new RunCommand.RerunFailed(
                Schema.VERSION, UUID.randomUUID().toString(), runId, user(), reason, Instant.now());
        return Answers.print(spec, client.send(cmd, ANSWER_TIMEOUT), output.format());
      }
    }
  }

  @Command(
      name = "cancel",
      description = "Cancel a run: nothing new starts, running jobs are canceled.",
      mixinStandardHelpOptions = true)
  static final class Cancel implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin KafkaOptions kafka;

    @Parameters(index = "0", paramLabel = "RUN", description = "the run id")
    String runId;

    @Option(
        names = "--reason",
        defaultValue = "canceled by operator",
        description =
            "why, recorded with your user name and shown by run show (default: ${DEFAULT-VALUE})")
    String reason;

    @Mixin OutputOption output;

    @Mixin ServerOptions server;

    @Override
    public Integer call() {
      var api = server.client();
      if (api.isPresent()) {
        return Answers.sendThroughServer(
            spec,
            api.get(),
            "/runs/" + ConsoleApiClient.segment(runId) + "/cancel",
            Map.of("reason", reason),
            output.format());
      }
      try (RunClient client = new RunClient(kafka.settings(), "partitrain-cli")) {
        client.history(runId, false).orElseThrow(() -> NotFoundException.run(runId));
        // The orchestrator refuses the cancel of a finished run and records why; its answer is
        // the one printed (and in JSON, with its type), whoever sends the command.
        var cmd =
            new RunCommand.CancelRun(
                Schema.VERSION, UUID.randomUUID().toString(), runId, user(), reason, Instant.now());
        return Answers.print(spec, client.send(cmd, ANSWER_TIMEOUT), output.format());
      }
    }
  }
}
