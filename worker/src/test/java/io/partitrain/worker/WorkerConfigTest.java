package io.partitrain.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partitrain.shared.config.Env;
import io.partitrain.worker.backend.local.LocalBackendConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Configuration errors name the environment variable the user sets, the value and the rule. */
class WorkerConfigTest {

  @Test
  void badValuesNameTheirVariables() {
    assertThatThrownBy(
            () ->
                LocalBackendConfig.fromEnvironment(new Env(Map.of("PARTITRAIN_LOCAL_SLOTS", "0"))))
        .hasMessage("PARTITRAIN_LOCAL_SLOTS='0' must be a whole number from 1 to 1024");
    assertThatThrownBy(
            () -> WorkerMain.backend(new Env(Map.of("PARTITRAIN_BACKEND", "kubernetes"))))
        .hasMessage("PARTITRAIN_BACKEND='kubernetes' must be one of local, simulated, azureml");
    assertThatThrownBy(() -> WorkerConfig.forInstallation("w", "p").withPollInterval(Duration.ZERO))
        .hasMessageStartingWith("PARTITRAIN_POLL_INTERVAL must be a duration greater than PT0S");
  }

  @Test
  void theEnvironmentSetsEachValue() {
    WorkerConfig c =
        WorkerConfig.fromEnvironment(
            new Env(Map.of("PARTITRAIN_WORKER_ID", "w7", "PARTITRAIN_HEARTBEAT_INTERVAL", "PT3S")),
            "acme");
    assertThat(c.workerId()).isEqualTo("w7");
    assertThat(c.groupId()).isEqualTo("acme-workers");
    assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.pollInterval()).isEqualTo(WorkerConfig.DEFAULT_POLL_INTERVAL);
  }
}
