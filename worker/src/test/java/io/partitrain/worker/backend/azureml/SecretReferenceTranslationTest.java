package io.partitrain.worker.backend.azureml;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partitrain.assets.AzureMlTranslationException;
import io.partitrain.shared.contracts.JobSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A secret reference never becomes part of an Azure ML job definition. */
class SecretReferenceTranslationTest {

  @Test
  void aSecretReferenceIsRefusedWithHowToUseKeyVaultInstead() {
    JobSpec spec =
        new JobSpec(
            "python train.py",
            null,
            "azureml:env@latest",
            "azureml:cpu-cluster",
            null,
            null,
            Map.of("DB_PASSWORD", "${{secrets.DB_PASSWORD}}", "MODE", "fast"),
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    var translator =
        new JobBodyTranslator(new ArmPaths(TestConfigs.offline()), (runId, kind, name) -> "1");

    assertThatThrownBy(() -> translator.translate(JobBodyTranslatorTest.request(spec)))
        .isInstanceOf(AzureMlTranslationException.class)
        .hasMessageContaining("environment_variables.DB_PASSWORD")
        .hasMessageContaining("Key Vault")
        .hasMessageContaining("managed identity");
  }
}
