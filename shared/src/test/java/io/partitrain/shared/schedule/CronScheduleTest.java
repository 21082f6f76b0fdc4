package io.partitrain.shared.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partitrain.shared.contracts.ScheduleSpec;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronScheduleTest {

  private static CronSchedule schedule(String cron, String zone) {
    return CronSchedule.of(new ScheduleSpec(cron, zone, null, null, null));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    // zone, spring-forward Monday's fire, the Monday before it, fall-back Monday's fire, the Monday
    // before it
    "Europe/Amsterdam, 2026-03-30T04:00:00Z, 2026-03-23T05:00:00Z, 2026-10-26T05:00:00Z, 2026-10-19T04:00:00Z",
    "America/New_York, 2026-03-09T10:00:00Z, 2026-03-02T11:00:00Z, 2026-11-02T11:00:00Z, 2026-10-26T10:00:00Z"
  })
  void weeklyFireTimesAcrossAYearStayOnMondaySixLocalThroughBothDaylightSavingChanges(
      String zone,
      Instant afterSpring,
      Instant beforeSpring,
      Instant afterFall,
      Instant beforeFall) {
    CronSchedule s = schedule("0 6 * * MON", zone);
    List<FireTime> year = s.next(Instant.parse("2026-01-01T00:00:00Z"), 52);

    assertThat(year).hasSize(52);
    assertThat(year)
        .allSatisfy(
            f -> {
              ZonedDateTime local = f.at().atZone(ZoneId.of(zone));
              assertThat(local.getDayOfWeek()).isEqualTo(DayOfWeek.MONDAY);
              assertThat(local.toLocalTime()).isEqualTo(LocalTime.of(6, 0));
              assertThat(local.toLocalDateTime()).isEqualTo(f.nominal());
            });
    assertThat(year.get(0).at().atZone(ZoneId.of(zone)).toLocalDate()).hasToString("2026-01-05");
    assertThat(year.get(51).at().atZone(ZoneId.of(zone)).toLocalDate()).hasToString("2026-12-28");
    List<Instant> at = year.stream().map(FireTime::at).toList();
    assertThat(at)
        .contains(beforeSpring, afterSpring, beforeFall, afterFall)
        .doesNotHaveDuplicates();
    List<Duration> gaps = new ArrayList<>();
    for (int i = 1; i < at.size(); i++) {
      gaps.add(Duration.between(at.get(i - 1), at.get(i)));
    }
    assertThat(gaps)
        .filteredOn(g -> !g.equals(Duration.ofHours(168)))
        .as("exactly one short week (spring) and one long week (fall)")
        .containsExactlyInAnyOrder(Duration.ofHours(167), Duration.ofHours(169));
    assertThat(Duration.between(beforeSpring, afterSpring)).isEqualTo(Duration.ofHours(167));
    assertThat(Duration.between(beforeFall, afterFall)).isEqualTo(Duration.ofHours(169));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    // zone, spring day, the skipped 02:30 fires at, fall day, the first 01:30, the repeated 01:30
    "Europe/Amsterdam, 2026-03-29, 2026-03-29T01:30:00Z, 2026-10-25, 2026-10-25T00:30:00Z, 2026-10-25T01:30:00Z",
    "America/New_York, 2026-03-08, 2026-03-08T07:30:00Z, 2026-11-01, 2026-11-01T05:30:00Z, 2026-11-01T06:30:00Z"
  })
  void aWallTimeSkippedBySpringForwardFiresOnceAfterTheGapAndARepeatedOneFiresOnce(
      String zone,
      String springDay,
      Instant shifted,
      String fallDay,
      Instant firstPass,
      Instant secondPass) {
    // Amsterdam skips 02:00-03:00 and repeats 02:00-03:00; New York skips 02:00-03:00 and
    // repeats 01:00-02:00. 02:30 is in the gap of both; the repeated wall time differs.
    String repeated = zone.startsWith("Europe") ? "30 2 * * *" : "30 1 * * *";
    ZoneId z = ZoneId.of(zone);
    Instant dayBefore =
        java.time.LocalDate.parse(springDay).minusDays(1).atStartOfDay(z).toInstant();
    List<Instant> spring =
        schedule("30 2 * * *", zone).next(dayBefore, 3).stream().map(FireTime::at).toList();
    assertThat(spring).hasSize(3).doesNotHaveDuplicates();
    assertThat(spring.get(1)).as("the skipped 02:30 fires right after the gap").isEqualTo(shifted);
    assertThat(spring.get(1).atZone(z).toLocalTime()).isEqualTo(LocalTime.of(3, 30));

    Instant fallBefore =
        java.time.LocalDate.parse(fallDay).minusDays(1).atStartOfDay(z).toInstant();
    List<Instant> fall =
        schedule(repeated, zone).next(fallBefore, 3).stream().map(FireTime::at).toList();
    assertThat(fall).hasSize(3).contains(firstPass).doesNotContain(secondPass);
    assertThat(Duration.between(fall.get(0), fall.get(1))).isEqualTo(Duration.ofHours(24));
    assertThat(Duration.between(fall.get(1), fall.get(2))).isEqualTo(Duration.ofHours(25));
    // Asking from inside the overlap (after the first pass) does not fire the second pass.
    assertThat(schedule(repeated, zone).nextAfter(firstPass.plusSeconds(1800)).orElseThrow().at())
        .isEqualTo(firstPass.plus(Duration.ofHours(25)));
  }

  @Test
  void theRunIdNamesThePlanAndTheIsoWeekOfTheScheduledTime() {
    CronSchedule s = schedule("0 6 * * MON", "Europe/Amsterdam");
    FireTime w48 = s.nextAfter(Instant.parse("2026-11-20T00:00:00Z")).orElseThrow();
    assertThat(w48.at()).isEqualTo(Instant.parse("2026-11-23T05:00:00Z"));
    assertThat(s.runId("weekly-demand", w48)).isEqualTo("weekly-demand-2026-W48");
    // ISO week-based year: Monday 2026-12-28 is week 53 of 2026, Monday 2027-01-04 week 1 of 2027.
    assertThat(
            s.runId(
                "weekly-demand", s.nextAfter(Instant.parse("2026-12-27T00:00:00Z")).orElseThrow()))
        .isEqualTo("weekly-demand-2026-W53");
    assertThat(
            s.runId(
                "weekly-demand", s.nextAfter(Instant.parse("2027-01-01T00:00:00Z")).orElseThrow()))
        .isEqualTo("weekly-demand-2027-W01");
    CronSchedule daily =
        CronSchedule.of(
            new ScheduleSpec(
                "30 2 * * *",
                "Europe/Amsterdam",
                null,
                null,
                "{plan}-{year}{month}{day}-{hour}{minute}"));
    assertThat(
            daily.runId("d", daily.nextAfter(Instant.parse("2026-03-28T12:00:00Z")).orElseThrow()))
        .as("named after the nominal wall time, even when daylight saving moved it")
        .isEqualTo("d-20260329-0230");
  }

  @Test
  void aBadCronZoneOrPatternIsRefusedNamingTheField() {
    assertThatThrownBy(() -> schedule("0 6 * MON", "Europe/Amsterdam"))
        .hasMessageContaining("schedule.cron '0 6 * MON'");
    assertThatThrownBy(() -> schedule("0 6 * * MON", "Europe/Amstredam"))
        .hasMessageContaining("schedule.timeZone");
    assertThatThrownBy(
            () ->
                CronSchedule.of(new ScheduleSpec("0 6 * * MON", "UTC", null, null, "{plan}-{wk}")))
        .hasMessageContaining("unknown token {wk}");
  }
}
