package io.partitrain.worker.backend.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The small shell wrapper every local job runs under, and what it leaves behind. It is what lets a
 * job outlive its worker: it runs in a session of its own where {@code setsid} exists, enforces
 * {@code limits.timeout} with coreutils {@code timeout}, and writes the exit code and the end time
 * to {@code exit_code} in the job folder, so any worker can record how the job ended. A worker that
 * died before writing the process down finds the wrapper by its command line, which names that
 * file.
 */
final class JobWrapper {

  static final String EXIT_FILE = "exit_code";

  /** The exit status of coreutils {@code timeout} when it stopped the command at its limit. */
  static final int TIMEOUT_EXIT = 124;

  /**
   * Runs $1 with bash (under {@code timeout} when $3 holds a limit in seconds), then writes its
   * exit code and the end time in epoch milliseconds to the file $2 (atomically), and exits with
   * the code. {@code -k} sends SIGKILL to a command that ignores SIGTERM for 10 s.
   */
  private static final String WRAPPER =
      "if [ -n \"$3\" ]; then timeout -k 10 \"$3\" bash -c \"$1\"; else bash -c \"$1\"; fi;"
          + " code=$?; echo \"$code $(date +%s%3N)\" > \"$2.tmp\" && mv \"$2.tmp\" \"$2\"; exit $code";

  private static final boolean HAS_SETSID = Files.isExecutable(Path.of("/usr/bin/setsid"));

  /** Without coreutils {@code timeout} (macOS), the worker that started a job enforces it. */
  static final boolean HAS_TIMEOUT = Files.isExecutable(Path.of("/usr/bin/timeout"));

  private JobWrapper() {}

  /** The command line that runs {@code command} of the job in {@code dir} under the wrapper. */
  static List<String> argv(Path dir, String command, Duration timeout) {
    List<String> argv = new ArrayList<>();
    if (HAS_SETSID) {
      argv.add("/usr/bin/setsid");
    }
    argv.addAll(
        List.of(
            "bash",
            "-c",
            WRAPPER,
            "partitrain-job",
            command,
            dir.resolve(EXIT_FILE).toString(),
            timeout != null && HAS_TIMEOUT ? String.valueOf(timeoutSeconds(timeout)) : ""));
    return argv;
  }

  /** {@code limits.timeout} in whole seconds, rounded up, at least one. */
  static long timeoutSeconds(Duration timeout) {
    return Math.max(1, (timeout.toMillis() + 999) / 1000);
  }

  /** The job's wrapper process, found by the exit file it was started to write. */
  static Optional<ProcessHandle> wrapperOf(Path dir) {
    String exitFile = dir.resolve(EXIT_FILE).toString();
    return ProcessHandle.allProcesses()
        .filter(ProcessHandle::isAlive)
        .filter(ph -> ph.info().arguments().map(a -> List.of(a).contains(exitFile)).orElse(false))
        .findFirst();
  }

  /** What the wrapper wrote: the exit code and, from newer wrappers, when the command ended. */
  record ExitRecord(int code, Instant endedAt) {}

  static Optional<ExitRecord> readExitCode(Path dir) {
    try {
      Path f = dir.resolve(EXIT_FILE);
      if (!Files.isRegularFile(f)) {
        return Optional.empty();
      }
      String[] parts = Files.readString(f).trim().split(" ");
      Instant ended = parts.length > 1 ? Instant.ofEpochMilli(Long.parseLong(parts[1])) : null;
      return Optional.of(new ExitRecord(Integer.parseInt(parts[0]), ended));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }
}
