package io.partitrain.orchestrator.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partitrain.shared.PartitrainException;
import io.partitrain.shared.config.Env;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The console's settings are read and checked like every other setting of the service. */
class ConsoleConfigTest {

  @Test
  void noPortMeansNoConsole() {
    assertThat(ConsoleConfig.from(new Env(Map.of()))).isEmpty();
  }

  @Test
  void portHostAndRetainedRunsComeFromTheEnvironment() {
    ConsoleConfig c =
        ConsoleConfig.from(
                new Env(
                    Map.of(
                        "PARTITRAIN_CONSOLE_PORT", "0",
                        "PARTITRAIN_CONSOLE_HOST", "0.0.0.0",
                        "PARTITRAIN_CONSOLE_RETAINED_RUNS", "3")))
            .orElseThrow();
    assertThat(c).isEqualTo(new ConsoleConfig("0.0.0.0", 0, 3));
    assertThat(ConsoleConfig.from(new Env(Map.of("PARTITRAIN_CONSOLE_PORT", "8080"))))
        .contains(new ConsoleConfig("127.0.0.1", 8080, ConsoleConfig.DEFAULT_RETAINED_RUNS));
  }

  @Test
  void aBadValueNamesTheVariableTheValueAndTheRule() {
    assertThatThrownBy(
            () -> ConsoleConfig.from(new Env(Map.of("PARTITRAIN_CONSOLE_PORT", "70000"))))
        .isInstanceOf(PartitrainException.class)
        .hasMessage("PARTITRAIN_CONSOLE_PORT='70000' must be a whole number from 0 to 65535");
    assertThatThrownBy(
            () ->
                ConsoleConfig.from(
                    new Env(
                        Map.of(
                            "PARTITRAIN_CONSOLE_PORT", "0",
                            "PARTITRAIN_CONSOLE_RETAINED_RUNS", "0"))))
        .hasMessageContaining("PARTITRAIN_CONSOLE_RETAINED_RUNS='0' must be a whole number from 1");
  }

  @Test
  void authenticationNeedsEntraIdOrAToken() {
    assertThatThrownBy(() -> ConsoleAuthConfig.from(new Env(Map.of())))
        .hasMessageContaining("PARTITRAIN_CONSOLE_TOKEN");
    assertThatThrownBy(
            () ->
                ConsoleAuthConfig.from(
                    new Env(Map.of("PARTITRAIN_AUTH_ISSUER", "https://login.example/t/v2.0"))))
        .hasMessageContaining("go together");
    assertThat(
            ConsoleAuthConfig.from(new Env(Map.of("PARTITRAIN_CONSOLE_TOKEN", "x".repeat(40))))
                .toString())
        .doesNotContain("xxxx");
  }
}
