package io.partitrain.shared.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partitrain.shared.contracts.ScheduleSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScheduleSectionTest {

  @TempDir Path dir;

  private Path plan(String schedule) throws IOException {
    Files.writeString(dir.resolve("job.yml"), "command: echo ${{partition.id}}\n");
    Files.writeString(
        dir.resolve("plan.yml"),
        """
        name: weekly-demand
        job: job.yml
        partitions:
          inline: [store-001, store-002]
        """
            + schedule);
    return dir.resolve("plan.yml");
  }

  @Test
  void aScheduleSectionIsReadWithItsDefaults() throws IOException {
    Plan p =
        PlanLoader.load(
            plan(
                """
        schedule:
          cron: "0 6 * * MON"
          timeZone: Europe/Amsterdam
        """));
    assertThat(p.schedule())
        .isEqualTo(
            new ScheduleSpec(
                "0 6 * * MON",
                "Europe/Amsterdam",
                ScheduleSpec.ConcurrencyPolicy.FORBID,
                Duration.ofHours(1),
                "{plan}-{weekYear}-W{week}"));
    assertThat(PlanLoader.load(plan("")).schedule()).isNull();
  }

  @Test
  void everyBrokenScheduleRuleIsReportedWithItsField() throws IOException {
    assertThatThrownBy(
            () ->
                PlanLoader.load(
                    plan(
                        """
        schedule:
          cron: "0 6 * * MON"
          timeZone: Europe/Amsterdam
          concurrencyPolicy: Sometimes
          startingDeadline: 1h
          every: week
        """)))
        .isInstanceOf(PlanValidationException.class)
        .hasMessageContaining("schedule.concurrencyPolicy")
        .hasMessageContaining("schedule.startingDeadline")
        .hasMessageContaining("schedule.every");
  }

  @Test
  void aRunIdPatternThatNamesTwoFireTimesAlikeIsRefused() throws IOException {
    assertThatThrownBy(
            () ->
                PlanLoader.load(
                    plan(
                        """
        schedule:
          cron: "0 6 * * *"
          timeZone: Europe/Amsterdam
        """)))
        .isInstanceOf(PlanValidationException.class)
        .hasMessageContaining("schedule.runId")
        .hasMessageContaining("gives the same run id 'weekly-demand-2026-W01'");
    Plan daily =
        PlanLoader.load(
            plan(
                """
        schedule:
          cron: "0 6 * * *"
          timeZone: Europe/Amsterdam
          concurrencyPolicy: Replace
          startingDeadline: PT10M
          runId: "{plan}-{year}-{month}-{day}"
        """));
    assertThat(daily.schedule().concurrencyPolicy())
        .isEqualTo(ScheduleSpec.ConcurrencyPolicy.REPLACE);
  }
}
