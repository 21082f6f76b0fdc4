package io.partitrain.worker.backend;

import io.partitrain.shared.testing.WorkItemBuilder;
import io.partitrain.worker.backend.local.LocalBackendConfig;
import io.partitrain.worker.backend.local.LocalProcessBackend;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

class LocalProcessBackendContractTest extends JobBackendContract {

  @TempDir Path jobs;

  @Override
  protected JobBackend createBackend() {
    return new LocalProcessBackend(new LocalBackendConfig(jobs, 4, 0, 0), Clock.systemUTC());
  }

  private static JobRequest withCommand(JobRef ref, String command) {
    return new JobRequest(ref, WorkItemBuilder.aWorkItem().command(command).spec(), Map.of());
  }

  @Override
  protected JobRequest succeeding(JobRef ref) {
    return withCommand(ref, "echo epochs=${{inputs.epochs}}");
  }

  @Override
  protected JobRequest failing(JobRef ref) {
    return withCommand(ref, "echo bad data >&2; exit 3");
  }

  @Override
  protected JobRequest longRunning(JobRef ref) {
    return withCommand(ref, "sleep 30");
  }
}
