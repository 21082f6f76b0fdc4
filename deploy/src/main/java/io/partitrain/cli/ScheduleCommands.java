package io.partitrain.cli;

import io.partitrain.cli.client.ConsoleApiClient;
import io.partitrain.cli.client.RunClient;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.ScheduleSpec;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.plan.Plan;
import io.partitrain.shared.plan.PlanLoader;
import io.partitrain.shared.schedule.CronSchedule;
import io.partitrain.shared.schedule.FireTime;
import io.partitrain.shared.serde.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code partitrain schedule list|apply|pause|resume}. */
@Command(
    name = "schedule",
    description = "Plans that run by themselves: list, apply, pause, resume.",
    mixinStandardHelpOptions = true,
    subcommands = {
      ScheduleCommands.ListSchedules.class,
      ScheduleCommands.Apply.class,
      ScheduleCommands.Pause.class,
      ScheduleCommands.Resume.class
    })
public final class ScheduleCommands {

  /** One fire time as printed: when, in UTC and in the schedule's zone, and the run it creates. */
  public record FireTimeView(Instant at, String local, String runId) {}

  /** One schedule as printed by {@code schedule list}. */
  public record ScheduleView(
      String plan,
      String cron,
      String timeZone,
      String concurrencyPolicy,
      boolean paused,
      String lastRunId,
      Instant lastDecided,
      List<FireTimeView> next) {}

  static List<FireTimeView> fireTimes(String plan, ScheduleSpec spec, Instant from, int count) {
    CronSchedule s = CronSchedule.of(spec);
    List<FireTimeView> out = new ArrayList<>();
    for (FireTime f : s.next(from, count)) {
      out.add(
          new FireTimeView(
              f.at(), f.at().atZone(s.zone()).toOffsetDateTime().toString(), s.runId(plan, f)));
    }
    return out;
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description =
          "With --plan: the plan's next fire times and the run id each creates, offline. "
              + "Without: every applied schedule, its state, next fire times and last run, from Kafka.")
  static final class ListSchedules implements Callable<Integer> {

    /** Enough for two years of a daily schedule; more is a typo, and would take minutes. */
    static final int MAX_COUNT = 1000;

    @Spec CommandSpec spec;
    @Mixin KafkaOptions kafka;
    @Mixin ServerOptions server;

    @Option(names = "--plan", description = "a plan.yml with a schedule section (no Kafka needed)")
    Path planFile;

    @Option(
        names = "--from",
        description = "list fire times after this time (default: now): " + TimeArgs.TIME_FORMATS)
    Instant from;

    @Option(
        names = "--count",
        defaultValue = "5",
        description = "how many fire times, 1 to " + MAX_COUNT + " (default: ${DEFAULT-VALUE})")
    int count;

    @Mixin OutputOption output;

    @Override
    public Integer call() {
      if (count < 1 || count > MAX_COUNT) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(),
            "--count = '" + count + "': must be a whole number from 1 to " + MAX_COUNT);
      }
      Instant after = from == null ? Instant.now() : from;
      PrintWriter out = spec.commandLine().getOut();
      if (planFile != null) {
        Plan plan = PlanLoader.load(planFile);
        if (plan.schedule() == null) {
          spec.commandLine()
              .getErr()
              .println("partitrain: plan " + plan.name() + " has no schedule section");
          return ExitCode.BAD_INPUT.code();
        }
        List<FireTimeView> times = fireTimes(plan.name(), plan.schedule(), after, count);
        if (output.json()) {
          out.println(Json.toPrettyString(times));
        } else {
          printTimes(out, times);
        }
        return ExitCode.OK.code();
      }
      List<ScheduleView> views;
      var api = server.client();
      try {
        views =
            (api.isPresent() ? fromServer(api.get(), after) : fromKafka(after))
                .stream().sorted(java.util.Comparator.comparing(ScheduleView::plan)).toList();
      } catch (ConsoleApiClient.ApiException e) {
        return Answers.failed(spec, e);
      }
      if (output.json()) {
        out.println(Json.toPrettyString(views));
        return ExitCode.OK.code();
      }
      out.printf(
          "%-24s %-16s %-18s %-8s %-7s %-28s %s%n",
          "PLAN", "CRON", "ZONE", "POLICY", "PAUSED", "LAST RUN", "NEXT");
      for (ScheduleView v : views) {
        out.printf(
            "%-24s %-16s %-18s %-8s %-7s %-28s %s%n",
            v.plan(),
            v.cron(),
            v.timeZone(),
            v.concurrencyPolicy(),
            v.paused() ? "yes" : "no",
            v.lastRunId() == null ? "-" : v.lastRunId(),
            v.next().isEmpty() ? "-" : v.next().get(0).local() + " " + v.next().get(0).runId());
      }
      return ExitCode.OK.code();
    }

    /** The schedules as the console folded them from the same topic. */
    private List<ScheduleView> fromServer(ConsoleApiClient api, Instant after) {
      List<ScheduleView> out = new ArrayList<>();
      for (var s : api.get("/schedules").path("items")) {
        ScheduleSpec schedule = ConsoleApiClient.as(s.get("schedule"), ScheduleSpec.class);
        String plan = s.path("planName").asText();
        out.add(
            new ScheduleView(
                plan,
                schedule.cron(),
                schedule.timeZone(),
                schedule.concurrencyPolicy().name(),
                s.path("paused").asBoolean(),
                s.path("lastRunId").isTextual() ? s.path("lastRunId").asText() : null,
                s.path("lastDecided").isTextual()
                    ? Instant.parse(s.path("lastDecided").asText())
                    : null,
                fireTimes(plan, schedule, after, count)));
      }
      return out;
    }

    /**
     * The schedules as the console folds them: the state topic's snapshots, then the runs topic's
     * events after them, so a schedule applied before the runs topic's retention is still listed.
     */
    private List<ScheduleView> fromKafka(Instant after) {
      List<ScheduleView> out = new ArrayList<>();
      try (RunClient client = new RunClient(kafka.settings(), "partitrain-cli")) {
        for (var s : client.schedules()) {
          out.add(
              new ScheduleView(
                  s.planName(),
                  s.schedule().cron(),
                  s.schedule().timeZone(),
                  s.schedule().concurrencyPolicy().name(),
                  s.paused(),
                  s.lastRunId(),
                  s.lastDecided(),
                  fireTimes(s.planName(), s.schedule(), after, count)));
        }
      }
      return out;
    }

    private static void printTimes(PrintWriter out, List<FireTimeView> times) {
      out.printf("%-22s %-27s %s%n", "AT (UTC)", "LOCAL", "RUN ID");
      times.forEach(t -> out.printf("%-22s %-27s %s%n", t.at(), t.local(), t.runId()));
    }
  }

  @Command(
      name = "apply",
      mixinStandardHelpOptions = true,
      description =
          "Register (or update) a plan's schedule with the orchestrator; it fires from then on.")
  static final class Apply implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin KafkaOptions kafka;
    @Mixin ServerOptions server;

    @Option(
        names = "--plan",
        required = true,
        description = "the plan.yml, with a schedule section")
    Path planFile;

    @Mixin OutputOption output;

    @Override
    public Integer call() {
      Plan plan = PlanLoader.load(planFile);
      if (plan.schedule() == null) {
        spec.commandLine()
            .getErr()
            .println("partitrain: plan " + plan.name() + " has no schedule section");
        return ExitCode.BAD_INPUT.code();
      }
      var cmd =
          new RunCommand.ApplySchedule(
              Schema.VERSION,
              UUID.randomUUID().toString(),
              ScheduleSpec.key(plan.name()),
              plan.schedule(),
              plan.definition(),
              plan.partitions(),
              CliCommands.user(),
              Instant.now());
      var api = server.client();
      if (api.isPresent()) {
        // The console sets requestedBy from the caller's token, whatever the body says.
        return Answers.sendThroughServer(spec, api.get(), "/schedules", cmd, output.format());
      }
      try (RunClient client = new RunClient(kafka.settings(), "partitrain-cli")) {
        return Answers.print(spec, client.send(cmd, CliCommands.ANSWER_TIMEOUT), output.format());
      }
    }
  }

  abstract static class PauseOrResume implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin KafkaOptions kafka;
    @Mixin ServerOptions server;

    @Parameters(index = "0", description = "the plan name")
    String plan;

    @Option(
        names = "--reason",
        defaultValue = "operator request",
        description = "why, recorded with your user name (default: ${DEFAULT-VALUE})")
    String reason;

    @Mixin OutputOption output;

    abstract boolean pause();

    @Override
    public Integer call() {
      var api = server.client();
      if (api.isPresent()) {
        return Answers.sendThroughServer(
            spec,
            api.get(),
            "/schedules/" + ConsoleApiClient.segment(plan) + (pause() ? "/pause" : "/resume"),
            Map.of("reason", reason),
            output.format());
      }
      var cmd =
          new RunCommand.SetSchedulePaused(
              Schema.VERSION,
              UUID.randomUUID().toString(),
              ScheduleSpec.key(plan),
              plan,
              pause(),
              CliCommands.user(),
              reason,
              Instant.now());
      try (RunClient client = new RunClient(kafka.settings(), "partitrain-cli")) {
        return Answers.print(spec, client.send(cmd, CliCommands.ANSWER_TIMEOUT), output.format());
      }
    }
  }

  @Command(
      name = "pause",
      mixinStandardHelpOptions = true,
      description =
          "Pause a plan's schedule: its fire times are recorded as skipped until resumed.")
  static final class Pause extends PauseOrResume {
    @Override
    boolean pause() {
      return true;
    }
  }

  @Command(
      name = "resume",
      mixinStandardHelpOptions = true,
      description = "Resume a paused schedule.")
  static final class Resume extends PauseOrResume {
    @Override
    boolean pause() {
      return false;
    }
  }
}
