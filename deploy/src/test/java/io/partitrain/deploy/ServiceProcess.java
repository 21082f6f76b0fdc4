package io.partitrain.deploy;

import static org.awaitility.Awaitility.await;

import io.partitrain.shared.config.ServiceSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A service jar (orchestrator or worker) running in a JVM of its own, with its log in a file, and
 * signals sent to it as an operator or a node failure would: SIGTERM, SIGKILL, SIGSTOP, SIGCONT.
 */
final class ServiceProcess implements AutoCloseable {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  final String name;
  final Path log;
  private final Process process;

  private ServiceProcess(String name, Path log, Process process) {
    this.name = name;
    this.log = log;
    this.process = process;
  }

  static Path serviceJar(String module) {
    try (Stream<Path> files = Files.list(ROOT.resolve(module).resolve("target"))) {
      return files
          .filter(p -> p.getFileName().toString().endsWith("-service.jar"))
          .findFirst()
          .orElseThrow(
              () ->
                  new IllegalStateException(
                      "no " + module + " service jar; run mvn package first"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ServiceProcess start(String module, String name, Path dir, Map<String, String> env) {
    List<String> cmd = quickJvm("-Xmx256m");
    cmd.addAll(List.of("-jar", serviceJar(module).toString()));
    // The tests' brokers are single embedded ones unless a test says otherwise.
    Map<String, String> withMode = new java.util.HashMap<>();
    withMode.put(ServiceSettings.KAFKA_MODE.key(), ServiceSettings.SINGLE_BROKER);
    withMode.putAll(env);
    return launch(name, dir, cmd, withMode);
  }

  /** The all-in-one CLI ({@code partitrain.jar}) running {@code args} in a JVM of its own. */
  static ServiceProcess startCli(
      String name, Path dir, List<String> args, Map<String, String> env) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                ROOT.resolve("deploy/target/partitrain.jar").toString()));
    cmd.addAll(args);
    return launch(name, dir, cmd, env);
  }

  /** A main class of the all-in-one jar (a Kafka cluster node) in a JVM of its own. */
  static ServiceProcess startMain(String name, Path dir, String mainClass, List<String> args) {
    List<String> cmd = quickJvm("-Xmx384m");
    cmd.addAll(List.of("-cp", ROOT.resolve("deploy/target/partitrain.jar").toString(), mainClass));
    cmd.addAll(args);
    return launch(name, dir, cmd, Map.of());
  }

  /** A JVM that starts fast and stays small (C1 only, serial GC), logging with timestamps. */
  private static List<String> quickJvm(String heap) {
    return new ArrayList<>(
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            heap,
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-Dorg.slf4j.simpleLogger.showDateTime=true",
            "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
            "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn"));
  }

  private static ServiceProcess launch(
      String name, Path dir, List<String> cmd, Map<String, String> env) {
    Path log = dir.resolve(name + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(env);
    try {
      return new ServiceProcess(name, log, pb.start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  long pid() {
    return process.pid();
  }

  void signal(String sig) {
    try {
      Process p =
          new ProcessBuilder("kill", "-" + sig, String.valueOf(process.pid())).inheritIO().start();
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("kill -" + sig + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  String logText() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until the log contains {@code text}; returns when the test saw it. */
  Instant awaitLog(String text, Duration timeout) {
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(50))
        .alias(name + " logs '" + text + "'")
        .until(() -> logText().contains(text));
    return Instant.now();
  }

  /** Waits for the process to exit; returns how long that took. */
  Duration awaitExit(Duration timeout) throws InterruptedException {
    long start = System.nanoTime();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(name + " did not exit within " + timeout);
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** "running", or how the process ended ("exited 1"). */
  String exitState() {
    return process.isAlive() ? "running" : "exited " + process.exitValue();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      signal("CONT");
      process.destroyForcibly();
    }
  }
}
