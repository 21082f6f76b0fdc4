package io.partitrain.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partitrain.orchestrator.admission.SubmitWindow;
import io.partitrain.orchestrator.leadership.LeadershipConfig;
import io.partitrain.shared.PartitrainException;
import io.partitrain.shared.config.Env;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Configuration errors name the environment variable the user sets, the value and the rule. */
class OrchestratorConfigTest {

  @Test
  void aBadValueInTheEnvironmentNamesTheVariableTheValueAndTheRule() {
    Env env = new Env(Map.of("PARTITRAIN_SILENCE_TIMEOUT", "PT0S"));
    assertThatThrownBy(() -> OrchestratorConfig.fromEnvironment(env, "p"))
        .isInstanceOf(PartitrainException.class)
        .hasMessage(
            "PARTITRAIN_SILENCE_TIMEOUT='PT0S' must be a duration greater than PT0S"
                + " (ISO-8601, e.g. PT30S)");
    assertThatThrownBy(
            () ->
                OrchestratorConfig.fromEnvironment(
                    new Env(Map.of("PARTITRAIN_TICK_INTERVAL", "100ms")), "p"))
        .hasMessageStartingWith("PARTITRAIN_TICK_INTERVAL='100ms' must be a duration");
  }

  @Test
  void aBadValueSetInCodeNamesTheVariableThatSetsIt() {
    assertThatThrownBy(
            () ->
                new OrchestratorConfig(
                    "o",
                    "t",
                    "g",
                    Duration.ofMillis(100),
                    Duration.ZERO,
                    1L,
                    Duration.ZERO,
                    SubmitWindow.DEFAULT_FLOOR))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("PARTITRAIN_SILENCE_TIMEOUT must be a duration greater than PT0S")
        .hasMessageEndingWith("but was PT0S");
  }

  @Test
  void theEnvironmentSetsEachValueAndDefaultsFillTheRest() {
    Env env =
        new Env(
            Map.of(
                "PARTITRAIN_INSTANCE_ID", "orch-a",
                "PARTITRAIN_SILENCE_TIMEOUT", "PT45S",
                "PARTITRAIN_NODE_CAPS", "gpu=2"));
    OrchestratorConfig c = OrchestratorConfig.fromEnvironment(env, "acme");
    assertThat(c.instanceId()).isEqualTo("orch-a");
    assertThat(c.transactionalId()).isEqualTo("acme-orchestrator");
    assertThat(c.silenceTimeout()).isEqualTo(Duration.ofSeconds(45));
    assertThat(c.tickInterval()).isEqualTo(OrchestratorConfig.DEFAULT_TICK_INTERVAL);
    assertThat(OrchestratorConfig.nodeCapsFrom(env).capOf("gpu")).isEqualTo(2);
  }

  @Test
  void leadershipChecksItsPollIntervalAgainstTheSessionTimeoutByName() {
    Env env =
        new Env(
            Map.of(
                "PARTITRAIN_LEADER_SESSION_TIMEOUT", "PT8S",
                "PARTITRAIN_LEADER_POLL_INTERVAL", "PT3S"));
    assertThatThrownBy(() -> LeadershipConfig.fromEnvironment(env))
        .hasMessage(
            "PARTITRAIN_LEADER_POLL_INTERVAL must be at most a quarter of"
                + " PARTITRAIN_LEADER_SESSION_TIMEOUT (PT8S), but was PT3S");
  }
}
