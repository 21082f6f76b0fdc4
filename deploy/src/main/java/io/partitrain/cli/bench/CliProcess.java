package io.partitrain.cli.bench;

import io.partitrain.cli.ServerOptions;
import io.partitrain.shared.PartitrainException;
import io.partitrain.shared.kafka.KafkaSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * The CLI as a person runs it: a child process of the packaged jar, timed from its start to its
 * exit, with its output read back only to name a failure. {@link #direct} talks to Kafka, {@link
 * #server} to the console API; neither inherits this process's Partitrain settings.
 */
final class CliProcess {

  private static final long CHILD_TIMEOUT_SECONDS = 120;

  private final List<String> command;
  private final List<String> extraArgs;
  private final Map<String, String> env;
  private final Path dir;
  private final String mode;

  private CliProcess(
      List<String> command,
      List<String> extraArgs,
      Map<String, String> env,
      Path dir,
      String mode) {
    this.command = command;
    this.extraArgs = extraArgs;
    this.env = env;
    this.dir = dir;
    this.mode = mode;
  }

  static CliProcess direct(List<String> command, KafkaSettings kafka, Path dir) {
    return new CliProcess(
        command,
        List.of(
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--topic-prefix",
            kafka.topics().prefix()),
        Map.of(),
        dir,
        "direct");
  }

  static CliProcess server(List<String> command, String url, String token, Path dir) {
    return new CliProcess(
        command, List.of("--server", url), Map.of(ServerOptions.TOKEN_ENV, token), dir, "server");
  }

  /**
   * The CLI of the jar this bench runs from: the {@code partitrain} launcher of the checkout the
   * jar was built in ({@code deploy/target/partitrain.jar}) when there is one, else {@code java
   * -jar}.
   */
  static List<String> launcher() {
    Path jar = ownJar();
    Path root = jar.toAbsolutePath().getParent();
    for (int i = 0; i < 2 && root != null; i++) {
      root = root.getParent();
    }
    if (root != null && Files.isExecutable(root.resolve("partitrain"))) {
      return List.of(root.resolve("partitrain").toString());
    }
    return List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+ExitOnOutOfMemoryError",
        "-jar",
        jar.toString());
  }

  private static Path ownJar() {
    try {
      Path p =
          Path.of(CliProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (!Files.isRegularFile(p) || !p.toString().endsWith(".jar")) {
        throw new PartitrainException(
            "bench cli times the packaged CLI, but this runs from "
                + p
                + ": run it as java -jar deploy/target/partitrain.jar bench cli, or pass --cli");
      }
      return p;
    } catch (URISyntaxException e) {
      throw new PartitrainException("cannot tell which jar this runs from: " + e.getMessage(), e);
    }
  }

  /** Runs the command {@code times} times ({@code args} of each run's index) and times each. */
  CliBenchReport.Times time(int times, IntFunction<List<String>> args) {
    List<Double> seconds = new ArrayList<>();
    String failure = null;
    int failures = 0;
    for (int i = 0; i < times; i++) {
      List<String> a = args.apply(i);
      Run r = run(a);
      seconds.add(r.seconds());
      if (r.exitCode() != 0) {
        failures++;
        failure = failure != null ? failure : "exit " + r.exitCode() + ": " + r.firstErrorLine();
      }
    }
    return CliBenchReport.Times.of(seconds, failures, failure);
  }

  private record Run(double seconds, int exitCode, String firstErrorLine) {}

  private Run run(List<String> args) {
    List<String> cmd = new ArrayList<>(command);
    cmd.addAll(args);
    if (!args.contains("--version")) {
      cmd.addAll(extraArgs);
    }
    Path err = dir.resolve("cli-" + mode + ".err");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    // Only what this bench sets: a KAFKA_BOOTSTRAP_SERVERS or PARTITRAIN_SERVER of the person
    // running it would choose another path than the one measured.
    pb.environment().keySet().removeIf(k -> k.startsWith("PARTITRAIN_") || k.startsWith("KAFKA_"));
    pb.environment().putAll(env);
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile());
    long start = System.nanoTime();
    try {
      Process p = pb.start();
      if (!p.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        return new Run((System.nanoTime() - start) / 1e9, -1, "no exit in 120 s");
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      return new Run(seconds, p.exitValue(), p.exitValue() == 0 ? "" : firstLine(err));
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + String.join(" ", cmd), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PartitrainException("interrupted while timing " + String.join(" ", cmd), e);
    }
  }

  private static String firstLine(Path file) {
    try {
      String s = Files.readString(file, StandardCharsets.UTF_8).strip();
      int nl = s.indexOf('\n');
      return nl < 0 ? s : s.substring(0, nl);
    } catch (IOException e) {
      return "(stderr unreadable: " + e.getMessage() + ")";
    }
  }
}
