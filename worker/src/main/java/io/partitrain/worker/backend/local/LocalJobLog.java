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
