package io.partitrain.shared.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partitrain.shared.PartitrainException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A secret setting is checked like any other, but no message ever shows its value. */
class SecretSettingTest {

  @Test
  void aTooShortSecretIsRefusedNamingItsLengthNotItsValue() {
    var token = ServiceSettings.WORKER_LOG_TOKEN;
    assertThat(token.from(new Env(Map.of()))).isNull();
    assertThat(token.from(new Env(Map.of(token.key(), "s".repeat(32))))).hasSize(32);
    assertThatThrownBy(() -> token.from(new Env(Map.of(token.key(), "hunter2-short"))))
        .isInstanceOf(PartitrainException.class)
        .hasMessage(
            "PARTITRAIN_WORKER_LOG_TOKEN=(a secret of 13 characters) must be a secret of at least"
                + " 32 characters")
        .message()
        .doesNotContain("hunter2");
    assertThatThrownBy(() -> token.check("hunter2")).message().doesNotContain("hunter2");
  }
}
