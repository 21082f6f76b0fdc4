package io.partitrain.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.shared.contracts.SubmittedJob;
import io.partitrain.worker.backend.JobObservation;
import io.partitrain.worker.backend.JobRef;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SUBMITTED status carries the backend's evidence, signed by the worker. */
class StatusEventsTest {

  static final JobRef REF = new JobRef("run-1", "store-001", 1, "run-1-store-001-abc-a1");
  static final JobObservation QUEUED =
      JobObservation.of(REF.jobName(), JobPhase.QUEUED).backendStatus("Queued").build();

  static SubmittedJob evidence(String backend) {
    return new SubmittedJob(null, backend, "id", "/src", "ab".repeat(32), Map.of(), Map.of(), null);
  }

  @Test
  void aLocalJobNamesWhereThisWorkerServesItsLog() {
    var e =
        StatusEvents.submitted(
            REF, "worker-7", 1, QUEUED, evidence("local"), "http://10.0.0.5:9090", Instant.EPOCH);
    assertThat(e.submission().workerId()).isEqualTo("worker-7");
    assertThat(e.submission().logUrl())
        .isEqualTo("http://10.0.0.5:9090/jobs/run-1-store-001-abc-a1/log");
  }

  @Test
  void anAzureMlJobOrAWorkerWithoutLogEndpointNamesNone() {
    assertThat(
            StatusEvents.submitted(
                    REF, "w", 1, QUEUED, evidence("azureml"), "http://10.0.0.5:9090", Instant.EPOCH)
                .submission()
                .logUrl())
        .isNull();
    assertThat(
            StatusEvents.submitted(REF, "w", 1, QUEUED, evidence("local"), null, Instant.EPOCH)
                .submission()
                .logUrl())
        .isNull();
    assertThat(StatusEvents.submitted(REF, "w", 1, QUEUED, null, null, Instant.EPOCH).submission())
        .isNull();
  }
}
