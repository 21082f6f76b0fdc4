package io.partitrain.worker.backend.local;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Settings of the local backend.
 *
 * @param jobsRoot the folder holding one folder per job (shared by the workers of one machine,
 *     which is what makes get-or-create work across them)
 * @param slots how many jobs run at once: the backend's "nodes"
 * @param injectedInfraFailureRate fraction of jobs killed as if their node was lost, for demos and
 *     tests; chosen deterministically from the job name and {@code seed}
 * @param seed the seed of the injected failures
 */
public record LocalBackendConfig(
    Path jobsRoot, int slots, double injectedInfraFailureRate, long seed) {

  public static final int DEFAULT_SLOTS = 2;

  public LocalBackendConfig {
    Objects.requireNonNull(jobsRoot, "jobsRoot");
    if (slots < 1) {
      throw new IllegalArgumentException("local.slots must be at least 1, but was " + slots);
    }
    if (injectedInfraFailureRate < 0 || injectedInfraFailureRate > 1) {
      throw new IllegalArgumentException(
          "local.injectedInfraFailureRate must be in [0, 1], but was " + injectedInfraFailureRate);
    }
  }

  public static LocalBackendConfig of(Path jobsRoot) {
    return new LocalBackendConfig(jobsRoot, DEFAULT_SLOTS, 0, 0);
  }
}
