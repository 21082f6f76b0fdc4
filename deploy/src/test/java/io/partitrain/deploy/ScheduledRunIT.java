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
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.contracts.ScheduleSpec;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.kafka.TopicAdmin;
import io.partitrain.shared.plan.Plan;
import io.partitrain.shared.schedule.CronSchedule;
import io.partitrain.testkit.TestKafka;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A schedule on the real broker: applied through the commands topic, fired by the orchestrator at
 * its time (the orchestrators' clock is shifted to just before a minute boundary, so the test does
 * not wait for the real one), and fired by two instances at once without a second run.
 */
@Timeout(120)
class ScheduledRunIT {

  @RegisterExtension static final TestKafka BROKER = TestKafka.perClass();

  @TempDir Path dir;

  @Test
  void twoOrchestratorInstancesFiringTheSameScheduleCreateOneRun() throws Exception {
    KafkaSettings kafka = kafka(BROKER);
    TopicAdmin.ensureTopics(kafka, (short) 1);
    Plan plan = plan(dir, 2, "echo ${{partition.id}}", 2, 1);
    // A clock 3 s before the next minute boundary: "* * * * *" fires 3 s from now.
    Instant now = Instant.now();
    Instant boundary = now.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
    Clock clock = Clock.offset(Clock.systemUTC(), Duration.between(now, boundary.minusSeconds(3)));
    ScheduleSpec spec = new ScheduleSpec("* * * * *", "Europe/Amsterdam", ScheduleSpec.ConcurrencyPolicy.ALLOW,
        Duration.ofMinutes(5), "{plan}-{year}{month}{day}-{hour}{minute}");
    String runId = CronSchedule.of(spec).runId(plan.name(),
        CronSchedule.of(spec).nextAfter(clock.instant()).orElseThrow());

    List<Orchestrator> instances = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    try (RunClient client = new RunClient(kafka, "it")) {
      for (String id : List.of("orch-a", "orch-b")) {
        Orchestrator o = new Orchestrator(OrchestratorConfig.forInstallation(id, kafka.topics().prefix()), kafka,
            clock, Admission.concurrencyCap(), new SimpleMeterRegistry());
        instances.add(o);
        Thread t = new Thread(o, id);
        threads.add(t);
        t.start();
        if (id.equals("orch-a")) {
          assertThat(o.awaitReady(Duration.ofSeconds(60))).isTrue();
          RunEvent applied = client.send(new RunCommand.ApplySchedule(Schema.VERSION, UUID.randomUUID().toString(),
              ScheduleSpec.key(plan.name()), spec, plan.definition(), plan.partitions(), "it", clock.instant()),
              Duration.ofSeconds(30));
          assertThat(applied).isInstanceOf(RunEvent.ScheduleApplied.class);
        }
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> runEvents(kafka).stream()
          .anyMatch(e -> e instanceof RunEvent.RunStarted s && s.runId().equals(runId)));
      // Give the other instance time to repeat the trigger: it must not start a second run.
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> runEvents(kafka).stream()
          .filter(e -> e instanceof RunEvent.RunStarted s && s.runId().equals(runId)).count() == 1);
      List<RunEvent> events = runEvents(kafka);
      assertThat(events).filteredOn(e -> e instanceof RunEvent.ScheduleFired f && f.runId().equals(runId))
          .as("the fire time was decided once").hasSize(1);
      assertThat(events).filteredOn(e -> e instanceof RunEvent.RunStarted s && s.runId().equals(runId))
          .singleElement().satisfies(s -> assertThat(((RunEvent.RunStarted) s).requestedBy())
              .isEqualTo("schedule:" + plan.name()));
    } finally {
      instances.forEach(Orchestrator::close);
      for (Thread t : threads) {
        t.join(30_000);
      }
    }
  }
}
