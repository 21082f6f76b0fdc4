package io.partitrain.shared.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partitrain.shared.contracts.PartitionSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretRefsTest {

  @TempDir Path dir;

  private Path job(String text) throws Exception {
    Path f = dir.resolve("job.yml");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void aSecretReferenceInAnEnvironmentVariableIsKeptAsAReferenceWhenRendered() throws Exception {
    JobTemplate t =
        JobTemplate.load(
            job("command: python train.py\nenvironment_variables:\n  DB: ${{secrets.DB_PASS}}\n"));

    assertThat(t.render("r", new PartitionSpec("p1", Map.of())).environmentVariables())
        .containsEntry("DB", "${{secrets.DB_PASS}}");
  }

  @Test
  void aSecretReferenceAnywhereElseIsRefusedNamingFieldAndRule() throws Exception {
    assertThatThrownBy(() -> JobTemplate.load(job("command: echo ${{secrets.DB_PASS}}\n")))
        .isInstanceOfSatisfying(
            PlanValidationException.class,
            e ->
                assertThat(e.violations())
                    .anySatisfy(
                        v -> {
                          assertThat(v.field()).isEqualTo("command");
                          assertThat(v.value()).isEqualTo("${{secrets.DB_PASS}}");
                          assertThat(v.rule()).contains("environment_variables");
                        }));
    assertThatThrownBy(
            () ->
                JobTemplate.load(
                    job("command: x\nenvironment_variables:\n  A: ${{secrets.bad-name}}\n")))
        .hasMessageContaining(SecretRefs.NAME_RULE);
  }

  @Test
  void resolutionReadsOnlyPrefixedWorkerVariablesAndNamesAMissingOneWithoutAValue() {
    Map<String, String> worker =
        Map.of("PARTITRAIN_SECRET_DB_PASS", "hunter2", "KAFKA_PASSWORD", "kafka-secret");

    assertThat(SecretRefs.resolve("pw=${{secrets.DB_PASS}}", worker::get)).isEqualTo("pw=hunter2");
    assertThatThrownBy(() -> SecretRefs.resolve("${{secrets.KAFKA_PASSWORD}}", worker::get))
        .isInstanceOf(SecretRefs.MissingSecretException.class)
        .hasMessageContaining("PARTITRAIN_SECRET_KAFKA_PASSWORD")
        .message()
        .doesNotContain("kafka-secret");
  }
}
