package io.partitrain.worker.backend.azureml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.worker.backend.BackendException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The node cap against the cluster's maxNodeCount and the subscription's vCPU quota. */
@Timeout(60)
class AzureMlComputeCheckTest {

  FakeArmServer fake;
  AzureMlBackend backend;

  @BeforeEach
  void start() {
    fake = FakeArmServer.start(20);
    fake.clusters.put("cpu-cluster", new FakeArmServer.Cluster("Standard_DS3_v2", 8));
    backend = FakeArm.backend(fake);
  }

  @AfterEach
  void stop() {
    backend.close();
    fake.close();
  }

  @Test
  void aCapWithinTheClusterAndTheQuotaFits() {
    fake.quota.put("standardDSv2Family", new long[] {0, 100});

    ComputeCheck c = backend.checkCompute("cpu-cluster", 8);

    assertThat(c.fits()).as(c.problems().toString()).isTrue();
    assertThat(c.vmSize()).isEqualTo("Standard_DS3_v2");
    assertThat(c.maxNodeCount()).isEqualTo(8);
    assertThat(c.vCpusPerNode()).isEqualTo(4);
    assertThat(c.family()).isEqualTo("standardDSv2Family");
    assertThat(c.quotaLimit()).isEqualTo(100);
  }

  @Test
  void aCapAboveMaxNodeCountIsNamedWithTheFix() {
    fake.quota.put("standardDSv2Family", new long[] {0, 1000});

    ComputeCheck c = backend.checkCompute("cpu-cluster", 12);

    assertThat(c.problems())
        .singleElement()
        .asString()
        .contains("node cap 12")
        .contains("maxNodeCount 8")
        .contains("Queued");
  }

  @Test
  void aQuotaThatCannotHoldTheClusterIsNamed() {
    fake.quota.put("standardDSv2Family", new long[] {80, 100});

    ComputeCheck c = backend.checkCompute("cpu-cluster", 8);

    assertThat(c.problems())
        .singleElement()
        .asString()
        .contains("32 vCPUs")
        .contains("standardDSv2Family quota has 20 free (80 of 100 in use)");
  }

  @Test
  void aMissingComputeIsAUserError() {
    assertThatThrownBy(() -> backend.checkCompute("gpu-cluster", 2))
        .isInstanceOf(BackendException.class)
        .hasMessageContaining("compute gpu-cluster does not exist")
        .satisfies(
            e -> {
              assertThat(((BackendException) e).failureClass()).isEqualTo(FailureClass.USER);
              assertThat(((BackendException) e).isRetriable()).isFalse();
            });
  }
}
