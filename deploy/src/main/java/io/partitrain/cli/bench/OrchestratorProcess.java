package io.partitrain.cli.bench;

import io.partitrain.shared.PartitrainException;
import io.partitrain.shared.config.ServiceSettings;
import io.partitrain.shared.kafka.KafkaSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The orchestrator service ({@code OrchestratorMain}) as a process of its own, under a heap of its
 * own ({@code -Xmx}), so that the bench measures the orchestrator's memory apart from the broker,
 * the workers and the simulated cloud that share the bench's process. It starts with {@code
 * -XX:+ExitOnOutOfMemoryError}, as the service does in production: running out of heap ends it at
 * once, and the bench reports that instead of a completed run.
 *
 * <p>Its heap is read from its own GC log (the largest heap after a collection: what was live), and
 * its peak resident memory from {@code /proc/PID/status} before it is stopped.
 */
final class OrchestratorProcess implements AutoCloseable {

  /** "51M->12M(1024M)": heap before and after a collection, and its size. */
  private static final Pattern GC = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

  private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final Path log;
  private final Path gcLog;
  private final String heapMax;

  private OrchestratorProcess(Process process, Path log, Path gcLog, String heapMax) {
    this.process = process;
    this.log = log;
    this.gcLog = gcLog;
    this.heapMax = heapMax;
  }

  /**
   * Starts {@code OrchestratorMain} from this process's own class path, on the bench's broker and
   * topic prefix, and waits until it is ready (its "ready in" line).
   */
  static OrchestratorProcess start(KafkaSettings kafka, String heapMax, Path dir) {
    Path log = dir.resolve("orchestrator.log");
    Path gcLog = dir.resolve("orchestrator-gc.log");
    ProcessBuilder pb =
        new ProcessBuilder(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heapMax,
                "-XX:+ExitOnOutOfMemoryError",
                "-Xlog:gc:file=" + gcLog,
                "-cp",
                System.getProperty("java.class.path"),
                "io.partitrain.orchestrator.OrchestratorMain"));
    pb.environment().put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
    pb.environment().put("PARTITRAIN_TOPIC_PREFIX", kafka.topics().prefix());
    pb.environment().put("PARTITRAIN_INSTANCE_ID", "bench-orchestrator");
    // The bench's own topics, on its embedded broker or beside an installation's: its figures are
    // about throughput, so it does not ask for production replication.
    pb.environment().put(ServiceSettings.KAFKA_MODE.key(), ServiceSettings.SINGLE_BROKER);
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    OrchestratorProcess p;
    try {
      p = new OrchestratorProcess(pb.start(), log, gcLog, heapMax);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the orchestrator process", e);
    }
    p.awaitReady();
    return p;
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (read(log).contains(" ready in ")) {
        return;
      }
      if (!process.isAlive()) {
        throw new PartitrainException(
            "the orchestrator process exited with code "
                + process.exitValue()
                + " before it was ready; its log: "
                + log);
      }
      try {
        // The child says it is ready only in its log; a file cannot be waited on.
        process.waitFor(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PartitrainException("interrupted while starting the orchestrator process", e);
      }
    }
    close();
    throw new PartitrainException(
        "the orchestrator process was not ready within " + READY_TIMEOUT + "; its log: " + log);
  }

  /** Whether it is still running (an out-of-memory exit ends it early). */
  boolean isAlive() {
    return process.isAlive();
  }

  /** Where its output goes. */
  Path log() {
    return log;
  }

  /** Stops it as a supervisor does (SIGTERM, then a kill after 30 s) and reports what it did. */
  BenchReport.OrchestratorMemory stop() {
    boolean running = process.isAlive();
    long peakResident = running ? peakResidentMiB(process.pid()) : -1;
    double cpu = running ? cpuSeconds(process.pid()) : -1;
    close();
    long peakAfterGc = 0;
    long peakAfterFullGc = -1;
    int fullGcs = 0;
    for (String line : read(gcLog).split("\n")) {
      Matcher m = GC.matcher(line);
      if (m.find()) {
        long after = Long.parseLong(m.group(2));
        peakAfterGc = Math.max(peakAfterGc, after);
        if (line.contains("Pause Full")) {
          fullGcs++;
          peakAfterFullGc = Math.max(peakAfterFullGc, after);
        }
      }
    }
    return new BenchReport.OrchestratorMemory(
        heapMax,
        peakAfterGc,
        peakAfterFullGc,
        fullGcs,
        peakResident,
        BenchReport.round(cpu),
        process.exitValue(),
        running);
  }

  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private static long peakResidentMiB(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux: unknown.
    }
    return -1;
  }

  /** utime and stime of {@code /proc/PID/stat} (fields 14 and 15, in ticks of 1/100 s). */
  private static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      // The command name (field 2) may hold spaces: count the fields after its closing ')'.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
