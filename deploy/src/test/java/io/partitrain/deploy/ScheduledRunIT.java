package io.partitrain.deploy;

import static io.partitrain.deploy.RunScenario.kafka;
import static io.partitrain.deploy.RunScenario.plan;
import static io.partitrain.deploy.RunScenario.runEvents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.partitrain.cli.client.RunClient;
import io.partitrain.orchestrator.Orchestrator;
import io.partitrain.orchestrator.OrchestratorConfig;
import io.partitrain.orchestrator.admission.Admission;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.ScheduleSpec;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.kafka.TopicAdmin;
import io.partitrain.shared.plan.Plan;
import io.partitrain.shared.schedule.CronSchedule;
import io.partitrain.testkit.TestKafka;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A schedule on the real broker: applied through the commands topic, fired by the orchestrator at
 * its time (the orchestrators' clock is then shifted to just before the fire time, so the test does
 * not wait for a real minute boundary), and fired by two instances at once without a second run:
 * the instances share the transactional id, so only one commits its round.
 */
@Timeout(120)
class ScheduledRunIT {

  @RegisterExtension static final TestKafka BROKER = TestKafka.perClass();

  @TempDir Path dir;

  /** {@code schedule pause} is recorded; {@code schedule list} shows it and the last run. */
  private static void assertOperatorCommandsSeeTheSchedule(
      KafkaSettings kafka, String plan, String lastRun) throws Exception {
    String[] where = {
      "--bootstrap-servers", kafka.bootstrapServers(), "--topic-prefix", kafka.topics().prefix()
    };
    java.io.StringWriter out = new java.io.StringWriter();
    var cl = io.partitrain.cli.main.PartitrainCli.commandLine();
    cl.setOut(new java.io.PrintWriter(out));
    List<String> pause = new ArrayList<>(List.of("schedule", "pause", plan, "--reason", "it"));
    pause.addAll(List.of(where));
    assertThat(cl.execute(pause.toArray(String[]::new))).isZero();
    out.getBuffer().setLength(0);
    List<String> list = new ArrayList<>(List.of("schedule", "list", "-o", "json", "--count", "2"));
    list.addAll(List.of(where));
    assertThat(cl.execute(list.toArray(String[]::new))).isZero();
    var views = io.partitrain.shared.serde.Json.mapper().readTree(out.toString());
    assertThat(views).hasSize(1);
    assertThat(views.get(0).get("plan").asText()).isEqualTo(plan);
    assertThat(views.get(0).get("paused").asBoolean()).isTrue();
    assertThat(views.get(0).get("lastRunId").asText()).isEqualTo(lastRun);
    assertThat(views.get(0).get("next")).hasSize(2);
  }

  /** The system clock, moved forward by a settable amount. */
  static final class ShiftedClock extends Clock {
    private volatile Duration shift = Duration.ZERO;

    void shift(Duration d) {
      if (d.compareTo(shift) > 0) {
        shift = d;
      }
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Instant instant() {
      return Instant.now().plus(shift);
    }
  }

  @Test
  void twoOrchestratorInstancesFiringTheSameScheduleCreateOneRun() throws Exception {
    KafkaSettings kafka = kafka(BROKER);
    TopicAdmin.ensureTopics(kafka, (short) 1);
    Plan plan = plan(dir, 2, "echo ${{partition.id}}", 2, 1);
    ShiftedClock clock = new ShiftedClock();
    ScheduleSpec spec =
        new ScheduleSpec(
            "* * * * *",
            "Europe/Amsterdam",
            ScheduleSpec.ConcurrencyPolicy.ALLOW,
            Duration.ofMinutes(5),
            "{plan}-{year}{month}{day}-{hour}{minute}");
    String[] runId = {null};

    List<Orchestrator> instances = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    try (RunClient client = new RunClient(kafka, "it")) {
      for (String id : List.of("orch-a", "orch-b")) {
        Orchestrator o =
            Orchestrator.builder(
                    OrchestratorConfig.forInstallation(id, kafka.topics().prefix()), kafka)
                .clock(clock)
                .admission(Admission.concurrencyCap())
                .registry(new SimpleMeterRegistry())
                .build();
        instances.add(o);
        Thread t = new Thread(o, id);
        threads.add(t);
        t.start();
        if (id.equals("orch-a")) {
          assertThat(o.awaitReady(Duration.ofSeconds(60))).isTrue();
          RunEvent applied =
              client.send(
                  new RunCommand.ApplySchedule(
                      Schema.VERSION,
                      UUID.randomUUID().toString(),
                      ScheduleSpec.key(plan.name()),
                      spec,
                      plan.definition(),
                      plan.partitions(),
                      "it",
                      clock.instant()),
                  Duration.ofSeconds(30));
          assertThat(applied).isInstanceOf(RunEvent.ScheduleApplied.class);
          // Move the clock to 2 s before the next fire time, so the test need not wait for it.
          var fire =
              CronSchedule.of(spec)
                  .nextAfter(((RunEvent.ScheduleApplied) applied).at())
                  .orElseThrow();
          runId[0] = CronSchedule.of(spec).runId(plan.name(), fire);
          clock.shift(Duration.between(Instant.now(), fire.at().minusSeconds(2)));
        }
      }
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  runEvents(kafka).stream()
                      .anyMatch(
                          e -> e instanceof RunEvent.RunStarted s && s.runId().equals(runId[0])));
      // Give the other instance time to repeat the trigger: it must not start a second run.
      await()
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  runEvents(kafka).stream()
                          .filter(
                              e -> e instanceof RunEvent.RunStarted s && s.runId().equals(runId[0]))
                          .count()
                      == 1);
      List<RunEvent> events = runEvents(kafka);
      assertThat(events)
          .filteredOn(e -> e instanceof RunEvent.ScheduleFired f && f.runId().equals(runId[0]))
          .as("the fire time was decided once")
          .hasSize(1);
      assertThat(events)
          .filteredOn(e -> e instanceof RunEvent.RunStarted s && s.runId().equals(runId[0]))
          .singleElement()
          .satisfies(
              s ->
                  assertThat(((RunEvent.RunStarted) s).requestedBy())
                      .isEqualTo("schedule:" + plan.name()));
      assertOperatorCommandsSeeTheSchedule(kafka, plan.name(), runId[0]);
    } finally {
      instances.forEach(Orchestrator::close);
      for (Thread t : threads) {
        t.join(30_000);
      }
    }
  }
}
