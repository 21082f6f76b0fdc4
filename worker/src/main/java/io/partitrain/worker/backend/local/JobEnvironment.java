package io.partitrain.worker.backend.local;

import io.partitrain.shared.plan.SecretRefs;
import io.partitrain.worker.backend.JobRef;
import io.partitrain.worker.backend.JobRequest;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The whole process environment of a local job: what the worker's environment allows through
 * ({@link #INHERITED_ENVIRONMENT}; the worker's own settings and credentials are not passed on),
 * the job's {@code environment_variables} with {@code ${{secrets.NAME}}} resolved from the worker's
 * {@code PARTITRAIN_SECRET_NAME}, and Partitrain's own variables. The resolved values exist here
 * and in the child process only: job.json keeps the reference.
 */
final class JobEnvironment {

  /**
   * The worker's variables a job process inherits: a shell's basics. Everything else (Kafka
   * settings and credentials, cloud tokens) stays with the worker.
   */
  static final List<String> INHERITED_ENVIRONMENT =
      List.of("HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TZ", "TMPDIR", "TERM", "SHELL");

  private JobEnvironment() {}

  /**
   * @param workerEnvironment the worker's environment variables
   * @param workerPath the worker's {@code PATH}, if it has one
   * @throws SecretRefs.MissingSecretException when a referenced secret is not set on the worker
   */
  static Map<String, String> of(
      JobRequest request, Function<String, String> workerEnvironment, String workerPath) {
    Map<String, String> env = new HashMap<>();
    for (String name : INHERITED_ENVIRONMENT) {
      String v = workerEnvironment.apply(name);
      if (v != null) {
        env.put(name, v);
      }
    }
    request
        .spec()
        .environmentVariables()
        .forEach((k, v) -> env.put(k, SecretRefs.resolve(v, workerEnvironment)));
    JobRef ref = request.ref();
    env.put("PARTITRAIN_RUN_ID", ref.runId());
    env.put("PARTITRAIN_PARTITION_ID", ref.partitionId());
    env.put("PARTITRAIN_ATTEMPT", String.valueOf(ref.attempt()));
    env.put("PARTITRAIN_JOB_NAME", ref.jobName());
    // The job finds the same JDK as the worker first, so `java Train.java` works anywhere.
    env.put(
        "PATH",
        Path.of(System.getProperty("java.home"), "bin")
            + ":"
            + (workerPath == null ? "/usr/bin:/bin" : workerPath));
    return env;
  }
}
