package io.partitrain.worker.backend.local;

import io.partitrain.worker.backend.JobLog;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The log of a local job: {@code <jobsRoot>/<job>/user_logs/std_log.txt}; the job has ended once
 * its wrapper wrote {@code exit_code}.
 */
public final class LocalJobLog implements JobLog {

  private final Path dir;

  public LocalJobLog(Path jobsRoot, String jobName) {
    this.dir = jobsRoot.resolve(jobName);
  }

  /**
   * The jobs folder a recorded log location lies in: for {@code <folder>/<jobName>/user_logs/
   * std_log.txt}, {@code <folder>}; empty for any other form, or a location of another job (a path
   * read from a topic is not followed anywhere else).
   */
  public static java.util.Optional<Path> jobsFolderOf(String logLocation, String jobName) {
    if (logLocation == null || logLocation.isBlank() || logLocation.contains("://")) {
      return java.util.Optional.empty();
    }
    Path log;
    try {
      log = Path.of(logLocation).normalize();
    } catch (java.nio.file.InvalidPathException e) {
      return java.util.Optional.empty();
    }
    Path userLogs = log.getParent();
    Path job = userLogs == null ? null : userLogs.getParent();
    if (job == null
        || job.getParent() == null
        || !log.getFileName().toString().equals("std_log.txt")
        || !userLogs.getFileName().toString().equals("user_logs")
        || !job.getFileName().toString().equals(jobName)) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(job.getParent());
  }

  /** Whether the job folder exists at all. */
  public boolean exists() {
    return Files.isDirectory(dir);
  }

  @Override
  public byte[] readFrom(long offset) {
    Path log = dir.resolve("user_logs/std_log.txt");
    if (!Files.isRegularFile(log)) {
      return new byte[0];
    }
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      long n = f.length() - offset;
      if (n <= 0) {
        return new byte[0];
      }
      byte[] b = new byte[(int) Math.min(n, 1 << 20)];
      f.seek(offset);
      f.readFully(b);
      return b;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + log, e);
    }
  }

  @Override
  public boolean ended() {
    return Files.exists(dir.resolve("exit_code"));
  }

  @Override
  public String where() {
    return dir.resolve("user_logs/std_log.txt").toString();
  }
}
