package io.partitrain.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CliBenchReportTest {

  @Test
  void medianAndP90AreNearestRanksOfTheSortedSamples() {
    CliBenchReport.Times t =
        CliBenchReport.Times.of(List.of(0.9, 0.1, 0.5, 0.3, 0.7), 1, "exit 3: no run");

    assertThat(t.median()).isEqualTo(0.5);
    assertThat(t.p90()).isEqualTo(0.9);
    assertThat(t.min()).isEqualTo(0.1);
    assertThat(t.seconds()).containsExactly(0.9, 0.1, 0.5, 0.3, 0.7);
    assertThat(t.cell(false)).isEqualTo("0.50 / 0.90 s (1 failed)");
  }

  @Test
  void oneSampleIsItsOwnMedianAndP90() {
    CliBenchReport.Times t = CliBenchReport.Times.of(List.of(0.0123), 0, null);

    assertThat(t.median()).isEqualTo(0.012);
    assertThat(t.p90()).isEqualTo(0.012);
    assertThat(t.cell(true)).isEqualTo("12 / 12 ms");
  }
}
