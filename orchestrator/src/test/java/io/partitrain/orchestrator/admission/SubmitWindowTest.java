package io.partitrain.orchestrator.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.partitrain.orchestrator.state.OrchestratorState;
import io.partitrain.shared.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The window's arithmetic: {@code max(floor, measured rate × silence timeout / 2)}. */
class SubmitWindowTest {

  private static final Duration SILENCE = Duration.ofSeconds(30);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T03:00:00.500Z"));
  private final SubmitWindow window = new SubmitWindow(new OrchestratorState(), clock, SILENCE, 32);

  private void taken(int n) {
    for (int i = 0; i < n; i++) {
      window.taken(clock.instant());
    }
  }

  @Test
  void startsAtTheFloorAndGrowsAtOnceWithTheFirstAnswers() {
    assertThat(window.window(clock.instant())).isEqualTo(32);
    taken(100); // within the first second: 100/s, at least one second assumed
    assertThat(window.takenPerSecond(clock.instant())).isEqualTo(100.0);
    assertThat(window.window(clock.instant())).isEqualTo(1_500);
  }

  @Test
  void measuresOverTheLastTenSecondsAndFallsBackToTheFloorWhenTheWorkersStop() {
    for (int s = 0; s < 10; s++) {
      taken(20);
      clock.advance(Duration.ofSeconds(1));
    }
    // Now is 10.5 s after the first 20: that second has aged out; 180 taken in the 9.5 s since
    // the oldest second still measured began.
    assertThat(window.takenPerSecond(clock.instant())).isCloseTo(180 / 9.5, within(0.01));
    assertThat(window.window(clock.instant())).isEqualTo(285); // ceil(18.95 × 15)

    clock.advance(Duration.ofSeconds(5));
    assertThat(window.takenPerSecond(clock.instant())).as("half aged out").isLessThan(10);
    clock.advance(Duration.ofSeconds(6));
    assertThat(window.takenPerSecond(clock.instant())).isZero();
    assertThat(window.window(clock.instant())).isEqualTo(32);
  }

  @Test
  void unlimitedAdmitsWithoutMeasuringAndAFloorBelowOneIsRefused() {
    SubmitWindow off =
        new SubmitWindow(new OrchestratorState(), clock, SILENCE, SubmitWindow.UNLIMITED);
    off.taken(clock.instant());
    assertThat(off.window(clock.instant())).isEqualTo(SubmitWindow.UNLIMITED);
    assertThatThrownBy(() -> new SubmitWindow(new OrchestratorState(), clock, SILENCE, 0))
        .hasMessage("submit window floor must be at least 1, but was 0");
  }
}
