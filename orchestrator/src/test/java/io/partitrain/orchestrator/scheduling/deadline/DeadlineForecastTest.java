package io.partitrain.orchestrator.scheduling.deadline;

import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.orchestrator.scheduling.deadline.DeadlineForecast.Partition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link DeadlineForecast}: the expected end at the cap against the deadline, and the smallest cap
 * that meets it, checked against the simulator itself (the cap found meets it, one less does not).
 */
class DeadlineForecastTest {

  static final Instant START = Instant.parse("2026-11-30T05:00:00Z");

  /** 40 one-node jobs of one hour each, with a two-hour timeout. */
  static List<Partition> hours(int n) {
    List<Partition> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new Partition("s" + i, 1, 3600, 7200.0, true));
    }
    return out;
  }

  @Test
  void meetsTheDeadlineWhenTheExpectedEndIsBeforeIt() {
    DeadlineForecast f =
        DeadlineForecast.of(
            "cpu", hours(40), 8, MakespanSimulator.UNLIMITED, START, START.plusSeconds(6 * 3600));
    assertThat(f.expectedSeconds()).isEqualTo(5 * 3600);
    assertThat(f.worstCaseSeconds()).isEqualTo(10 * 3600);
    assertThat(f.meets()).isTrue();
    assertThat(f.capToMeet()).isEqualTo(7); // ceil(40/7) = 6 hours
    assertThat(f.advice())
        .isEqualTo(
            "meets the deadline at node cap 8 with 1h 0m to spare;"
                + " a node cap of 7 would still meet it");
  }

  @Test
  void missesItAndNamesTheCapThatWouldMeetIt() {
    DeadlineForecast f =
        DeadlineForecast.of(
            "cpu", hours(40), 4, MakespanSimulator.UNLIMITED, START, START.plusSeconds(4 * 3600));
    assertThat(f.expectedSeconds()).isEqualTo(10 * 3600);
    assertThat(f.meets()).isFalse();
    assertThat(f.capToMeet()).isEqualTo(10);
    assertThat(f.advice())
        .isEqualTo("misses the deadline at node cap 4 by 6h 0m; a node cap of 10 would meet it");
  }

  @Test
  void noCapMeetsItWhenTheLongestJobAloneIsTooLong() {
    List<Partition> jobs = hours(3);
    jobs.add(new Partition("huge", 1, 5 * 3600, null, false));
    DeadlineForecast f =
        DeadlineForecast.of(
            "cpu", jobs, 2, MakespanSimulator.UNLIMITED, START, START.plusSeconds(4 * 3600));
    assertThat(f.meets()).isFalse();
    assertThat(f.capToMeet()).isNull();
    assertThat(f.worstCaseSeconds()).isNull();
    assertThat(f.advice()).endsWith("the longest job alone is expected to take 5h 0m");
  }

  @Test
  void maxInFlightCanBeTheLimit() {
    DeadlineForecast f =
        DeadlineForecast.of("cpu", hours(40), 100, 2, START, START.plusSeconds(4 * 3600));
    assertThat(f.meets()).isFalse();
    assertThat(f.capToMeet()).isNull();
    assertThat(f.advice()).endsWith("concurrency.maxInFlight 2: raise maxInFlight too");
  }

  @Test
  void theCapFoundIsTheSmallestThatMeetsItOnRandomInstances() {
    int found = 0;
    for (long seed = 1; seed <= 30; seed++) {
      List<MakespanSimulator.Job> jobs = BenchInstances.retailWeek(300, seed);
      List<Partition> parts = new ArrayList<>();
      for (MakespanSimulator.Job j : jobs) {
        parts.add(new Partition(j.id(), 1 + (int) (seed % 3), j.expectedSeconds(), null, true));
      }
      Instant deadline = START.plusSeconds(6 * 3600);
      DeadlineForecast f =
          DeadlineForecast.of("cpu", parts, 4, MakespanSimulator.UNLIMITED, START, deadline);
      if (f.capToMeet() == null) {
        // Then not even every job at once meets it.
        int all = parts.stream().mapToInt(Partition::nodes).sum();
        assertThat(
                DeadlineForecast.of("cpu", parts, all, MakespanSimulator.UNLIMITED, START, deadline)
                    .meets())
            .as("seed %d", seed)
            .isFalse();
        continue;
      }
      int cap = f.capToMeet();
      found++;
      assertThat(
              DeadlineForecast.of("cpu", parts, cap, MakespanSimulator.UNLIMITED, START, deadline)
                  .meets())
          .as("seed %d cap %d", seed, cap)
          .isTrue();
      if (cap > 3) {
        assertThat(
                DeadlineForecast.of(
                        "cpu", parts, cap - 1, MakespanSimulator.UNLIMITED, START, deadline)
                    .meets())
            .as("seed %d cap %d - 1", seed, cap)
            .isFalse();
      }
    }
    assertThat(found).as("instances with a cap that meets the deadline").isGreaterThan(20);
  }

  @Test
  void withoutADeadlineItSaysHowLongTheRunTakes() {
    DeadlineForecast f =
        DeadlineForecast.of("cpu", hours(4), MakespanSimulator.UNLIMITED, 8, START, null);
    assertThat(f.nodeCap()).isNull();
    assertThat(f.meets()).isNull();
    assertThat(f.advice()).isEqualTo("expected to take 1h 0m");
  }
}
