package io.partitrain.worker.backend.local;

import io.partitrain.shared.config.Env;
import io.partitrain.shared.config.Setting;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the local backend. Immutable; validated when built, with messages that name the
 * environment variable that sets each value ({@link #settings()}).
 *
 * @param jobsRoot the folder holding one folder per job (shared by the workers of one machine,
 *     which is what makes get-or-create work across them)
 * @param slots how many jobs run at once: the backend's "nodes"
 * @param injectedInfraFailureRate fraction of jobs killed as if their node was lost, for demos and
 *     tests; chosen deterministically from the job name and {@code seed}
 * @param seed the seed of the injected failures
 * @param ownerLease how long a worker may go without renewing its lease before the jobs it queued
 *     (waiting for a slot) may be started by another worker (see {@code JobOwnership})
 */
public record LocalBackendConfig(
    Path jobsRoot, int slots, double injectedInfraFailureRate, long seed, Duration ownerLease) {

  public static final int DEFAULT_SLOTS = 2;

  /**
   * Well above the renewal interval (a third of it) and a long GC pause; a takeover by mistake only
   * moves a queued job to another worker (the launch marker keeps it from running twice).
   */
  public static final Duration DEFAULT_OWNER_LEASE = Duration.ofSeconds(30);

  public static final Setting<String> JOBS_DIR =
      Setting.text(
          "PARTITRAIN_LOCAL_JOBS_DIR",
          "local backend: the folder of one folder per job, shared by the workers of a machine",
          () -> System.getProperty("user.home") + "/.partitrain/jobs",
          "~/.partitrain/jobs");

  public static final Setting<Integer> SLOTS =
      Setting.integer(
          "PARTITRAIN_LOCAL_SLOTS",
          "local backend: how many jobs run at once (its nodes)",
          DEFAULT_SLOTS,
          1,
          1024);

  public static final Setting<Double> INJECTED_INFRA_FAILURE_RATE =
      Setting.decimal(
          "PARTITRAIN_INJECTED_INFRA_FAILURE_RATE",
          "local backend: fraction of jobs killed as if their node was lost (demos and tests)",
          0,
          0,
          1);

  public static final Setting<Duration> OWNER_LEASE =
      Setting.positiveDuration(
          "PARTITRAIN_LOCAL_OWNER_LEASE",
          "local backend: how long a stopped or frozen worker keeps the jobs waiting for its slots"
              + " before another worker starts them",
          DEFAULT_OWNER_LEASE);

  public LocalBackendConfig {
    Objects.requireNonNull(jobsRoot, JOBS_DIR.key());
    SLOTS.check(slots);
    INJECTED_INFRA_FAILURE_RATE.check(injectedInfraFailureRate);
    OWNER_LEASE.check(ownerLease);
  }

  /** With the default owner lease. */
  public LocalBackendConfig(Path jobsRoot, int slots, double injectedInfraFailureRate, long seed) {
    this(jobsRoot, slots, injectedInfraFailureRate, seed, DEFAULT_OWNER_LEASE);
  }

  /** The local backend the environment configures. */
  public static LocalBackendConfig fromEnvironment(Env env) {
    return new LocalBackendConfig(
        Path.of(JOBS_DIR.from(env)),
        SLOTS.from(env),
        INJECTED_INFRA_FAILURE_RATE.from(env),
        0,
        OWNER_LEASE.from(env));
  }

  public static List<Setting<?>> settings() {
    return List.of(JOBS_DIR, SLOTS, INJECTED_INFRA_FAILURE_RATE, OWNER_LEASE);
  }

  public static LocalBackendConfig of(Path jobsRoot) {
    return new LocalBackendConfig(jobsRoot, DEFAULT_SLOTS, 0, 0);
  }
}
