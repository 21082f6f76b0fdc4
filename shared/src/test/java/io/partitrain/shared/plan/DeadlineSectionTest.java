package io.partitrain.shared.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partitrain.shared.contracts.RunDeadline;
import io.partitrain.shared.serde.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plan's {@code deadline}: each form, its time zone, and each broken rule with its field. */
class DeadlineSectionTest {

  private static final String WEEKLY =
      """
      schedule:
        cron: "0 6 * * MON"
        timeZone: Europe/Amsterdam
      """;

  @TempDir Path dir;

  private Path plan(String rest) throws IOException {
    Files.writeString(dir.resolve("job.yml"), "command: echo ${{partition.id}}\n");
    Files.writeString(
        dir.resolve("plan.yml"),
        """
        name: weekly-demand
        job: job.yml
        partitions:
          inline: [store-001, store-002]
        """
            + rest);
    return dir.resolve("plan.yml");
  }

  private RunDeadline deadline(String rest) throws IOException {
    return PlanLoader.load(plan(rest)).definition().deadline();
  }

  private void refused(String rest, String field, String value, String rule) {
    assertThatThrownBy(() -> PlanLoader.load(plan(rest)))
        .isInstanceOf(PlanValidationException.class)
        .satisfies(
            e ->
                assertThat(((PlanValidationException) e).violations())
                    .anySatisfy(
                        x -> {
                          assertThat(x.field()).isEqualTo(field);
                          assertThat(x.value()).isEqualTo(value);
                          assertThat(x.rule()).contains(rule);
                        }));
  }

  @Test
  void aWeekdayAndTimeIsReadInTheSchedulesTimeZone() throws IOException {
    RunDeadline d = deadline(WEEKLY + "deadline: TUE 06:00\n");
    assertThat(d).isEqualTo(new RunDeadline("TUE 06:00", "Europe/Amsterdam"));
    // A run fired Monday 2026-11-30 06:00 in Amsterdam (05:00Z) must be done Tuesday 06:00 there.
    assertThat(d.resolve(Instant.parse("2026-11-30T05:00:00Z")))
        .isEqualTo(Instant.parse("2026-12-01T05:00:00Z"));
  }

  @Test
  void theSameWeekdayAsTheStartMeansTheNextOneAfterIt() {
    RunDeadline d = new RunDeadline("mon 06:00", "Europe/Amsterdam");
    assertThat(d.resolve(Instant.parse("2026-11-30T05:00:00Z")))
        .isEqualTo(Instant.parse("2026-12-07T05:00:00Z"));
    assertThat(d.resolve(Instant.parse("2026-11-30T04:59:00Z")))
        .isEqualTo(Instant.parse("2026-11-30T05:00:00Z"));
  }

  @Test
  void aWeekdayDeadlineFollowsDaylightSavingTime() {
    // Summer time ends on Sunday 2026-10-25 in Amsterdam: 06:00 is 04:00Z before, 05:00Z after.
    RunDeadline d = new RunDeadline("MONDAY 06:00", "Europe/Amsterdam");
    assertThat(d.resolve(Instant.parse("2026-10-19T04:00:00Z")))
        .isEqualTo(Instant.parse("2026-10-26T05:00:00Z"));
  }

  @Test
  void aDurationCountsFromTheRunsStart() throws IOException {
    RunDeadline d = deadline(WEEKLY + "deadline: PT20H\n");
    assertThat(d.timeZone()).isNull();
    assertThat(d.resolve(Instant.parse("2026-11-30T05:00:00Z")))
        .isEqualTo(Instant.parse("2026-12-01T01:00:00Z"));
  }

  @Test
  void aOneOffPlanMayNameAnInstantOrALocalTimeWithItsZone() throws IOException {
    assertThat(deadline("deadline: 2026-12-01T06:00:00+01:00\n").resolve(Instant.EPOCH))
        .isEqualTo(Instant.parse("2026-12-01T05:00:00Z"));
    assertThat(
            deadline("deadline: {at: \"2026-12-01T06:00\", timeZone: America/New_York}\n")
                .resolve(Instant.EPOCH))
        .isEqualTo(Instant.parse("2026-12-01T11:00:00Z"));
    assertThat(
            deadline("deadline: {at: \"FRI 18:00\", timeZone: Europe/Amsterdam}\n")
                .resolve(Instant.parse("2026-11-30T05:00:00Z")))
        .isEqualTo(Instant.parse("2026-12-04T17:00:00Z"));
  }

  @Test
  void aPlanWithoutDeadlineHasNone() throws IOException {
    assertThat(deadline(WEEKLY)).isNull();
  }

  @Test
  void brokenDeadlinesAreRefusedNamingFieldValueAndRule() {
    refused(WEEKLY + "deadline: MOON 06:00\n", "deadline", "MOON 06:00", "must be MON, TUE");
    refused(WEEKLY + "deadline: MON 25:00\n", "deadline", "MON 25:00", "HH:MM from 00:00");
    refused(WEEKLY + "deadline: tomorrow\n", "deadline", "tomorrow", "must be a weekday and time");
    refused(WEEKLY + "deadline: PT0S\n", "deadline", "PT0S", "greater than 0");
    refused(WEEKLY + "deadline: P1X\n", "deadline", "P1X", "ISO-8601 duration");
    refused(WEEKLY + "deadline: 42\n", "deadline", "42", "or {at, timeZone}");
    refused(
        "deadline: MON 06:00\n",
        "deadline",
        "MON 06:00",
        "needs a time zone: write deadline: {at:");
    refused(
        "deadline: {at: \"MON 06:00\", timeZone: Mars/Olympus}\n",
        "deadline.timeZone",
        "Mars/Olympus",
        "not an IANA zone id");
    refused(
        "deadline: {at: PT2H, timeZone: Europe/Amsterdam}\n",
        "deadline.timeZone",
        "Europe/Amsterdam",
        "applies to a weekday or local time only");
    refused("deadline: {timeZone: UTC}\n", "deadline.at", null, "is required");
  }

  @Test
  void aScheduledPlanRefusesADeadlineThatHoldsForOneRunOnly() {
    refused(
        WEEKLY + "deadline: 2026-12-01T06:00:00Z\n",
        "deadline",
        "2026-12-01T06:00:00Z",
        "must hold for each");
  }

  @Test
  void misspelledDeadlineKeysAreRefusedWithASuggestion() {
    refused(
        "deadline: {at: \"MON 06:00\", timezone: UTC}\n",
        "deadline.timezone",
        "\"UTC\"",
        "did you mean 'timeZone'?");
    refused("deadlin: MON 06:00\n", "deadlin", "\"MON 06:00\"", "did you mean 'deadline'?");
  }

  @Test
  void theDeadlineTravelsWithTheDefinitionAndIsOmittedWhenAbsent() throws IOException {
    var def = PlanLoader.load(plan(WEEKLY + "deadline: TUE 06:00\n")).definition();
    String json = Json.toString(def);
    assertThat(json)
        .contains("\"deadline\":{\"at\":\"TUE 06:00\",\"timeZone\":\"Europe/Amsterdam\"}");
    assertThat(Json.mapper().readValue(json, def.getClass()).deadline()).isEqualTo(def.deadline());
    assertThat(Json.toString(PlanLoader.load(plan(WEEKLY)).definition()))
        .doesNotContain("deadline");
  }
}
