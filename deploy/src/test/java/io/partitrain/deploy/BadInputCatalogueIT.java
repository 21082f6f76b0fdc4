package io.partitrain.deploy;

import static io.partitrain.deploy.RunScenario.awaitComplete;
import static io.partitrain.deploy.RunScenario.kafka;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.partitrain.cli.CliCommands;
import io.partitrain.cli.ExitCode;
import io.partitrain.cli.client.RunClient;
import io.partitrain.cli.main.PartitrainCli;
import io.partitrain.orchestrator.OrchestratorConfig;
import io.partitrain.shared.config.Env;
import io.partitrain.shared.config.ServiceSettings;
import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunDefinition;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.kafka.DeadLetters;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.plan.Plan;
import io.partitrain.shared.serde.Json;
import io.partitrain.shared.testing.WorkItemBuilder;
import io.partitrain.testkit.TestKafka;
import io.partitrain.testkit.TopicRecords;
import io.partitrain.worker.WorkerConfig;
import io.partitrain.worker.backend.simulated.SimulatedBackend;
import io.partitrain.worker.backend.simulated.SimulationProfile;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The bad-input catalogue (issue 8): one table of bad inputs across plans, job.yml, the partition
 * CSV, CLI flags, service settings, and records on the commands, work and status topics, each with
 * its expected outcome: an error naming the field, the value and the rule, with the exit code; or a
 * rejection answer; or a dead-letter entry with its reason. None may be silently replaced by a
 * default. After the whole table, a valid run on the same stack completes: no record stopped a
 * loop.
 *
 * <p>Plan rows go through the real CLI ({@code run plan}, in-process) against a real broker; topic
 * rows are written by a raw producer and their outcome read back from the topics.
 */
@Timeout(600)
class BadInputCatalogueIT {

  @RegisterExtension static final TestKafka BROKER = TestKafka.perClass();

  @TempDir Path dir;

  private KafkaSettings kafka;
  private RunClient client;
  private KafkaProducer<String, byte[]> producer;

  /** Where a bad input enters. */
  enum Channel {
    PLAN,
    JOB_YML,
    CSV,
    CLI,
    SETTING,
    COMMAND,
    WORK,
    STATUS
  }

  /** What a row did: the exit code (or -1), and the text that explains it. */
  record Observed(int exitCode, String text) {}

  /**
   * One bad input.
   *
   * @param exitCode the expected exit code, or null where there is none (a topic, a setting)
   * @param mustSay fragments the explanation must contain: typically the field, the value, the rule
   */
  record Row(
      Channel channel,
      String kind,
      Function<BadInputCatalogueIT, Observed> act,
      Integer exitCode,
      List<String> mustSay) {}

  @Test
  void everyBadInputIsRefusedOrDeadLetteredNamingFieldValueAndRuleAndNothingWedges()
      throws Exception {
    kafka = kafka(BROKER);
    SimulatedBackend cloud = new SimulatedBackend(Clock.systemUTC(), SimulationProfile.fast(5));
    try (LocalStack stack = RunScenario.stack(kafka, 2, cloud);
        RunClient c = new RunClient(kafka, "catalogue");
        KafkaProducer<String, byte[]> p = new KafkaProducer<>(kafka.producer("catalogue", null))) {
      client = c;
      producer = p;

      List<Row> rows = rows();
      List<String> table = new ArrayList<>();
      List<String> failures = new ArrayList<>();
      for (Row row : rows) {
        Observed seen = observe(row);
        List<String> missing =
            row.mustSay().stream().filter(f -> !seen.text().contains(f)).toList();
        boolean codeOk = row.exitCode() == null || row.exitCode() == seen.exitCode();
        boolean ok = missing.isEmpty() && codeOk;
        String line =
            String.format(
                "%-8s %-58s %-4s %s",
                row.channel(), row.kind(), ok ? "ok" : "FAIL", oneLine(seen.text()));
        table.add(line);
        if (!ok) {
          failures.add(
              row.channel()
                  + " "
                  + row.kind()
                  + ": "
                  + seen.text()
                  + (codeOk ? "" : " | exit " + seen.exitCode() + ", expected " + row.exitCode())
                  + (missing.isEmpty() ? "" : " | missing " + missing));
        }
      }
      System.out.println("Bad-input catalogue: " + rows.size() + " kinds");
      table.forEach(l -> System.out.println("  " + l));

      // Nothing wedged: a valid run started after all of it completes.
      Plan good =
          RunScenario.plan(
              Files.createDirectories(dir.resolve("good")), 10, "echo ${{partition.id}}", 5, 2);
      assertThat(RunScenario.start(client, good, "after-the-catalogue"))
          .isInstanceOf(RunEvent.RunStarted.class);
      RunSummary done = awaitComplete(client, "after-the-catalogue");
      assertThat(done.count(PartitionState.SUCCEEDED)).isEqualTo(10);

      assertThat(rows.stream().map(Row::channel).distinct()).hasSize(Channel.values().length);
      assertThat(rows).as("kinds of bad input").hasSizeGreaterThanOrEqualTo(30);
      assertThat(failures).as("rows whose outcome was not the expected one").isEmpty();
    }
  }

  private Observed observe(Row row) {
    try {
      return row.act().apply(this);
    } catch (RuntimeException | AssertionError e) {
      return new Observed(-2, "the row itself failed: " + e);
    }
  }

  private static String oneLine(String s) {
    String flat = s.replace('\n', ' ').replaceAll("\\s+", " ").strip();
    return flat.length() > 160 ? flat.substring(0, 160) + "…" : flat;
  }

  // ---------------------------------------------------------------------------------------------
  // The table

  private static List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    String rule = "must";

    // Plans (plan.yml), checked by `run plan` before anything is sent.
    rows.add(
        plan(
            "a scalar where a mapping belongs (concurrency: 5)",
            y -> y.replace("concurrency:\n  maxInFlight: 4", "concurrency: 5"),
            "concurrency = '5'",
            "must be a mapping"));
    rows.add(
        plan(
            "a mapping where a value belongs (name: {a: b})",
            y -> y.replace("name: cat", "name: {a: b}"),
            "name = '{\"a\":\"b\"}'",
            "must be a single value"));
    rows.add(
        plan(
            "a mapping where a number belongs (maxInFlight: {n: 4})",
            y -> y.replace("maxInFlight: 4", "maxInFlight: {n: 4}"),
            "concurrency.maxInFlight",
            "whole number"));
    rows.add(
        plan(
            "a misspelled key (backof:)",
            y -> y.replace("backoff:", "backof:"),
            "retry.backof",
            "did you mean"));
    rows.add(
        plan(
            "budget.cap: 1e999 (beyond a double)",
            y -> y + "budget: {cap: 1e999, currency: EUR, prices: {local: 0.10}}\n",
            "budget.cap",
            "must be a number from 0 to 1000000000"));
    rows.add(
        plan(
            "budget.cap: -5",
            y -> y + "budget: {cap: -5, currency: EUR, prices: {local: 0.10}}\n",
            "budget.cap = '-5'",
            "must be a number from 0"));
    rows.add(
        plan(
            "a price that is not a number",
            y -> y + "budget: {cap: 10, currency: EUR, prices: {local: cheap}}\n",
            "budget.prices.local = 'cheap'",
            rule));
    rows.add(
        plan(
            "retry.maxAttempts: 0",
            y -> y.replace("maxAttempts: 2", "maxAttempts: 0"),
            "retry.maxAttempts = '0'",
            "from 1 to 100"));
    rows.add(
        plan(
            "concurrency.maxInFlight: 0",
            y -> y.replace("maxInFlight: 4", "maxInFlight: 0"),
            "concurrency.maxInFlight = '0'",
            "from 1"));
    rows.add(
        plan(
            "a duration that is not one (backoff.initial: ten seconds)",
            y -> y.replace("initial: PT0.1S", "initial: ten seconds"),
            "retry.backoff.initial",
            "ten seconds"));
    rows.add(
        plan(
            "YAML that does not parse",
            y -> y.replace("concurrency:\n  maxInFlight: 4", "concurrency: [4"),
            "plan.yml:8:16",
            "is not valid YAML"));
    rows.add(
        plan(
            "a cron expression with minute 61",
            y -> y + "schedule: {cron: \"61 6 * * MON\", timeZone: Europe/Amsterdam}\n",
            "schedule.cron",
            "61 6 * * MON"));
    rows.add(
        plan(
            "a time zone that does not exist",
            y -> y + "schedule: {cron: \"0 6 * * MON\", timeZone: Mars/Olympus}\n",
            "schedule.timeZone",
            "Mars/Olympus"));

    // job.yml
    rows.add(
        job(
            "instance_count: 0",
            j -> j.replace("instance_count: 1", "instance_count: 0"),
            "resources.instance_count = '0'",
            "at least 1"));
    rows.add(
        job(
            "no command",
            j -> j.replace("command: echo ${{partition.id}} ${{partition.tags.region}}\n", ""),
            "command",
            "required"));
    rows.add(
        job(
            "an unknown placeholder",
            j -> j.replace("${{partition.tags.region}}", "${{partition.nope}}"),
            "command = '${{partition.nope}}'",
            "unknown placeholder"));
    rows.add(
        job(
            "a negative timeout",
            j -> j.replace("timeout: 60", "timeout: -5"),
            "limits.timeout",
            "-5"));
    rows.add(job("a list where the job mapping belongs", j -> "- echo hi\n", "job.yml", "mapping"));

    // The partition CSV
    rows.add(
        csv(
            "duplicate partition ids",
            "id,region\np1,north\np1,south\n".getBytes(StandardCharsets.UTF_8),
            "p1",
            "duplicate"));
    rows.add(
        csv(
            "an empty tag used in command",
            "id,region\np1,north\np2,\n".getBytes(StandardCharsets.UTF_8),
            "partitions[p2].tags.region = ''",
            "a tag used in 'command' must match"));
    rows.add(
        csv(
            "bytes that are not UTF-8",
            concat(
                "id,region\np1,nor".getBytes(StandardCharsets.UTF_8),
                new byte[] {(byte) 0xff, (byte) 0xfe},
                "th\n".getBytes(StandardCharsets.UTF_8)),
            "partitions.file",
            "must be UTF-8 text: line 2 has the byte 0xFF"));
    rows.add(
        csv(
            "a partition id climbing out of its folder (../etc)",
            "id,region\n../etc,north\n".getBytes(StandardCharsets.UTF_8),
            "'../etc'",
            "must match"));
    rows.add(
        csv(
            "a partition id with shell characters",
            "id,region\n\"x;rm -rf ~\",north\n".getBytes(StandardCharsets.UTF_8),
            "x;rm -rf ~",
            "must match"));
    rows.add(
        csv(
            "a tag name that is not one (1region)",
            "id,1region\np1,north\n".getBytes(StandardCharsets.UTF_8),
            "1region",
            "must match"));
    rows.add(
        new Row(
            Channel.CSV,
            "a BOM and CRLF line ends (read as plain ids and tags)",
            t -> {
              Path plan =
                  t.planWith(
                      "bom",
                      UnaryOperator.identity(),
                      UnaryOperator.identity(),
                      concat(
                          new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf},
                          "id,region\r\np1,north\r\np2,south\r\n"
                              .getBytes(StandardCharsets.UTF_8)));
              Observed o = t.cli("run", "plan", "--plan", plan.toString(), "-o", "json");
              String ids = String.join(",", t.partitionIdsOf(plan));
              return new Observed(o.exitCode(), "ids " + ids + "; " + o.text());
            },
            ExitCode.OK.code(),
            List.of("ids p1,p2;")));

    // CLI flags: refused before anything is sent (exit 1).
    rows.add(
        cli(
            "schedule list --count 2000000000",
            t ->
                t.cli(
                    "schedule",
                    "list",
                    "--plan",
                    t.planWith(
                            "sched",
                            y ->
                                y
                                    + "schedule: {cron: \"0 6 * * MON\","
                                    + " timeZone: Europe/Amsterdam}\n",
                            UnaryOperator.identity(),
                            null)
                        .toString(),
                    "--count",
                    "2000000000"),
            "--count = '2000000000'",
            "from 1 to 1000"));
    rows.add(
        cli(
            "a time option that is no time (--from 20-03-2026)",
            t -> t.cli("schedule", "list", "--from", "20-03-2026"),
            "--from",
            "20-03-2026"));
    rows.add(
        cli(
            "a duration option that is no duration (--timeout 'ten minutes')",
            t -> t.cli("run", "wait", "r1", "--timeout", "ten minutes"),
            "--timeout",
            "ten minutes"));
    rows.add(
        cli(
            "cap set --nodes -1",
            t -> t.cliOnKafka("cap", "set", "cpu-cluster", "--nodes", "-1", "--reason", "x"),
            "--nodes = '-1'",
            "from 0 to"));
    rows.add(
        cli(
            "cap raise --to 1e999",
            t -> t.cliOnKafka("cap", "raise", "r1", "--to", "1e999", "--reason", "x"),
            "--to",
            "must be a number from 0 to 1000000000"));
    rows.add(
        cli(
            "cap raise with a blank reason",
            t -> t.cliOnKafka("cap", "raise", "r1", "--to", "5", "--reason", " "),
            "--reason",
            "must say why"));
    rows.add(
        cli(
            "demo --stores 0",
            t -> t.cli("demo", "--stores", "0"),
            "--stores must be from 1 to 100000, but was 0"));
    // Service settings: start-up fails naming the variable, its value and the rule.
    rows.add(
        setting(
            "a silence timeout shorter than the heartbeat",
            Map.of("PARTITRAIN_SILENCE_TIMEOUT", "PT5S", "PARTITRAIN_HEARTBEAT_INTERVAL", "PT10S"),
            env -> OrchestratorConfig.fromEnvironment(env, "p"),
            "PARTITRAIN_SILENCE_TIMEOUT = 'PT5S'",
            "PARTITRAIN_HEARTBEAT_INTERVAL (PT10S)"));
    rows.add(
        setting(
            "a duration setting that is no duration",
            Map.of("PARTITRAIN_POLL_INTERVAL", "half a second"),
            env -> WorkerConfig.fromEnvironment(env, "p"),
            "PARTITRAIN_POLL_INTERVAL",
            "half a second"));
    rows.add(
        setting(
            "a replication factor out of range",
            Map.of("PARTITRAIN_REPLICATION_FACTOR", "9"),
            ServiceSettings.REPLICATION_FACTOR::from,
            "PARTITRAIN_REPLICATION_FACTOR",
            "9"));

    // Commands written straight to the commands topic, as any client could.
    rows.add(
        startRun(
            "a StartRun without limits",
            d -> new RunDefinition(d.planName(), d.planSource(), d.jobTemplate(), d.retry(), null),
            "definition.limits"));
    rows.add(
        startRun(
            "a StartRun without retry",
            d -> new RunDefinition(d.planName(), d.planSource(), d.jobTemplate(), null, d.limits()),
            "definition.retry"));
    rows.add(
        startRun(
            "a StartRun whose job template is a string",
            d ->
                new RunDefinition(
                    d.planName(), d.planSource(), TextNode.valueOf("x"), d.retry(), d.limits()),
            "must be a YAML mapping"));
    rows.add(
        startRun(
            "a StartRun with instance_count 0",
            d -> {
              ObjectNode t = (ObjectNode) d.jobTemplate().deepCopy();
              t.putObject("resources").put("instance_count", 0);
              return new RunDefinition(d.planName(), d.planSource(), t, d.retry(), d.limits());
            },
            "resources.instance_count = '0'"));
    rows.add(
        new Row(
            Channel.COMMAND,
            "a StartRun with duplicate partition ids",
            t -> {
              RunCommand.StartRun good = t.goodStart("dup");
              List<PartitionSpec> twice = new ArrayList<>(good.partitions());
              twice.add(good.partitions().get(0));
              return t.answer(
                  new RunCommand.StartRun(
                      Schema.VERSION,
                      UUID.randomUUID().toString(),
                      "run-dup",
                      good.definition(),
                      twice,
                      "catalogue",
                      Instant.now()));
            },
            null,
            List.of("partition id 'p001' appears twice")));
    rows.add(
        raw(
            Channel.COMMAND,
            "a StartRun whose budget.cap is 1e999",
            t -> t.kafka.topics().commands(),
            t -> {
              ObjectNode start = (ObjectNode) Json.mapper().valueToTree(t.goodStart("big-cap"));
              ObjectNode budget =
                  ((ObjectNode) start.get("definition").get("limits")).putObject("budget");
              budget.put("cap", new java.math.BigDecimal("1e999"));
              budget.put("currency", "EUR");
              budget.putObject("prices").put("local", 0.1);
              return start.toString().getBytes(StandardCharsets.UTF_8);
            },
            "budget.cap"));
    rows.add(
        raw(
            Channel.COMMAND,
            "a command that is not JSON",
            t -> t.kafka.topics().commands(),
            t -> "start everything".getBytes(StandardCharsets.UTF_8),
            "RunCommand"));
    rows.add(
        raw(
            Channel.COMMAND,
            "a command of an unknown type",
            t -> t.kafka.topics().commands(),
            t -> "{\"schemaVersion\":1,\"type\":\"Reboot\"}".getBytes(StandardCharsets.UTF_8),
            "Reboot"));
    // A start larger than a record is no longer bad input: it travels in parts (StartInPartsIT).

    // Work items, read by the workers.
    rows.add(
        raw(
            Channel.WORK,
            "a work item that is not JSON",
            t -> t.kafka.topics().work(),
            t -> "this is not JSON".getBytes(StandardCharsets.UTF_8),
            "unreadable work item"));
    rows.add(
        raw(
            Channel.WORK,
            "a work item whose partition id would reach a shell",
            t -> t.kafka.topics().work(),
            t ->
                Json.toString(WorkItemBuilder.aWorkItem().build())
                    .replace("\"partitionId\":\"store-001\"", "\"partitionId\":\"x; rm -rf ~\"")
                    .getBytes(StandardCharsets.UTF_8),
            "partition id 'x; rm -rf ~' does not match"));
    rows.add(
        raw(
            Channel.WORK,
            "a SUBMIT whose command is blank",
            t -> t.kafka.topics().work(),
            t -> Json.toBytes(WorkItemBuilder.aWorkItem().command(" ").build()),
            "job.command"));

    // Status events, read by the orchestrator.
    rows.add(
        raw(
            Channel.STATUS,
            "a status whose attempt is a word",
            t -> t.kafka.topics().status(),
            t ->
                "{\"schemaVersion\":1,\"kind\":\"STATUS\",\"attempt\":\"one\"}"
                    .getBytes(StandardCharsets.UTF_8),
            "JobStatusEvent"));
    rows.add(
        raw(
            Channel.STATUS,
            "a status that is not JSON",
            t -> t.kafka.topics().status(),
            t -> new byte[] {0, 1, 2, 3},
            "JobStatusEvent"));
    return rows;
  }

  // ---------------------------------------------------------------------------------------------
  // Row builders

  private static final String PLAN_YML =
      """
      name: cat
      job: job.yml
      partitions:
        file: parts.csv
      retry:
        maxAttempts: 2
        backoff: {initial: PT0.1S, multiplier: 2.0, max: PT0.5S, jitter: 0.2}
      concurrency:
        maxInFlight: 4
      """;

  private static final String JOB_YML =
      """
      command: echo ${{partition.id}} ${{partition.tags.region}}
      resources:
        instance_count: 1
      limits:
        timeout: 60
      """;

  private static final byte[] CSV =
      "id,region\np1,north\np2,south\n".getBytes(StandardCharsets.UTF_8);

  private static Row plan(String kind, UnaryOperator<String> plan, String... mustSay) {
    return new Row(
        Channel.PLAN,
        kind,
        t -> t.runPlan(t.planWith(slug(kind), plan, UnaryOperator.identity(), null)),
        ExitCode.BAD_INPUT.code(),
        List.of(mustSay));
  }

  private static Row job(String kind, UnaryOperator<String> job, String... mustSay) {
    return new Row(
        Channel.JOB_YML,
        kind,
        t -> t.runPlan(t.planWith(slug(kind), UnaryOperator.identity(), job, null)),
        ExitCode.BAD_INPUT.code(),
        List.of(mustSay));
  }

  private static Row csv(String kind, byte[] csv, String... mustSay) {
    return new Row(
        Channel.CSV,
        kind,
        t ->
            t.runPlan(
                t.planWith(slug(kind), UnaryOperator.identity(), UnaryOperator.identity(), csv)),
        ExitCode.BAD_INPUT.code(),
        List.of(mustSay));
  }

  private static Row cli(
      String kind, Function<BadInputCatalogueIT, Observed> act, String... mustSay) {
    return new Row(Channel.CLI, kind, act, ExitCode.BAD_INPUT.code(), List.of(mustSay));
  }

  private static Row setting(
      String kind, Map<String, String> vars, Function<Env, Object> read, String... mustSay) {
    return new Row(
        Channel.SETTING,
        kind,
        t -> {
          try {
            return new Observed(-1, "accepted: " + read.apply(new Env(vars)));
          } catch (RuntimeException e) {
            return new Observed(-1, e.getMessage());
          }
        },
        null,
        List.of(mustSay));
  }

  private static Row startRun(
      String kind, UnaryOperator<RunDefinition> breakIt, String... mustSay) {
    return new Row(
        Channel.COMMAND,
        kind,
        t -> {
          RunCommand.StartRun good = t.goodStart(slug(kind));
          return t.answer(
              new RunCommand.StartRun(
                  Schema.VERSION,
                  UUID.randomUUID().toString(),
                  good.runId(),
                  breakIt.apply(good.definition()),
                  good.partitions(),
                  "catalogue",
                  Instant.now()));
        },
        null,
        List.of(mustSay));
  }

  /** A record written as bytes to a topic; its outcome is its dead-letter entry's reason. */
  private static Row raw(
      Channel channel,
      String kind,
      Function<BadInputCatalogueIT, String> topic,
      Function<BadInputCatalogueIT, byte[]> value,
      String... mustSay) {
    return new Row(
        channel, kind, t -> t.deadLetterOf(topic.apply(t), value.apply(t)), null, List.of(mustSay));
  }

  private static String slug(String kind) {
    String s = kind.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("^-|-$", "").toLowerCase();
    return s.length() > 40 ? s.substring(0, 40) : s;
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Actions

  /** A plan folder from the good plan, job and CSV, each changed as asked. */
  Path planWith(String name, UnaryOperator<String> plan, UnaryOperator<String> job, byte[] csv) {
    try {
      Path d = Files.createDirectories(dir.resolve("plans").resolve(name));
      Files.writeString(d.resolve("plan.yml"), plan.apply(PLAN_YML));
      Files.writeString(d.resolve("job.yml"), job.apply(JOB_YML));
      Files.write(d.resolve("parts.csv"), csv == null ? CSV : csv);
      return d.resolve("plan.yml");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  List<String> partitionIdsOf(Path plan) {
    return io.partitrain.shared.plan.PlanLoader.load(plan).partitions().stream()
        .map(PartitionSpec::id)
        .toList();
  }

  Observed runPlan(Path plan) {
    return cliOnKafka("run", "plan", "--plan", plan.toString());
  }

  Observed cliOnKafka(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--topic-prefix",
            kafka.topics().prefix()));
    return cli(all.toArray(String[]::new));
  }

  Observed cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = PartitrainCli.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Observed(code, err + out.toString());
  }

  RunCommand.StartRun goodStart(String runId) {
    Path folder = dir.resolve("start-" + runId);
    try {
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Plan plan = RunScenario.plan(folder, 3, "echo ${{partition.id}}", 2, 2);
    return CliCommands.startCommand(plan, "run-" + runId, "catalogue", Instant.now());
  }

  /** Sends a command and returns the orchestrator's answer: a rejection names what is wrong. */
  Observed answer(RunCommand command) {
    RunEvent answer = client.send(command, Duration.ofSeconds(60));
    return new Observed(
        -1,
        answer instanceof RunEvent.CommandRejected r
            ? "rejected: " + r.reason()
            : "ACCEPTED: " + answer.getClass().getSimpleName());
  }

  /** Writes {@code value} to {@code topic} and returns the reason of its dead-letter entry. */
  Observed deadLetterOf(String topic, byte[] value) {
    String key = "bad-" + UUID.randomUUID();
    producer.send(new ProducerRecord<>(topic, key, value));
    producer.flush();
    Optional<ConsumerRecord<String, byte[]>> dead =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    TopicRecords.readAll(kafka, kafka.topics().deadLetters()).stream()
                        .filter(r -> key.equals(r.key()))
                        .findFirst(),
                Optional::isPresent);
    ConsumerRecord<String, byte[]> r = dead.orElseThrow();
    return new Observed(
        -1,
        "dead-lettered by "
            + header(r, DeadLetters.HEADER_COMPONENT)
            + ": "
            + header(r, DeadLetters.HEADER_REASON)
            + " / "
            + header(r, DeadLetters.HEADER_ERROR));
  }

  private static String header(ConsumerRecord<String, byte[]> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
