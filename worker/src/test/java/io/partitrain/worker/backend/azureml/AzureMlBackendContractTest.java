package io.partitrain.worker.backend.azureml;

import io.partitrain.worker.backend.JobBackend;
import io.partitrain.worker.backend.JobBackendContract;
import io.partitrain.worker.backend.JobRef;
import io.partitrain.worker.backend.JobRequest;
import io.partitrain.worker.backend.azureml.FakeArmServer.JobScript;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;

/**
 * The backend contract suite against the {@code azureml} backend talking HTTPS to the fake ARM
 * server; each job's status script is chosen by the contract's succeeding / failing / long-running
 * request. ARM time runs 50 times faster than real time.
 */
class AzureMlBackendContractTest extends JobBackendContract {

  private static final JobScript FAILS_AFTER_RUNNING =
      JobScript.of("Failed", "NotStarted", 1, "Running", 20);

  private FakeArmServer fake;
  private final Map<String, JobScript> scripts = new ConcurrentHashMap<>();

  @Override
  protected JobBackend createBackend() {
    fake = FakeArmServer.start(50);
    fake.scripts = name -> scripts.getOrDefault(name, JobScript.COMPLETES);
    return FakeArm.backend(fake);
  }

  @AfterEach
  void stopFake() {
    if (fake != null) {
      fake.close();
    }
  }

  private JobRequest request(JobRef ref, JobScript script) {
    scripts.put(ref.jobName(), script);
    return new JobRequest(ref, FakeArm.spec(), Map.of("region", "north"));
  }

  @Override
  protected JobRequest succeeding(JobRef ref) {
    return request(ref, JobScript.COMPLETES);
  }

  @Override
  protected JobRequest failing(JobRef ref) {
    return request(ref, FAILS_AFTER_RUNNING);
  }

  @Override
  protected JobRequest longRunning(JobRef ref) {
    return request(ref, JobScript.RUNS_LONG);
  }
}
