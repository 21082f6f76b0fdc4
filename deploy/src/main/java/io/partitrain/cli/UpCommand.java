package io.partitrain.cli;

import io.partitrain.deploy.LocalStack;
import io.partitrain.deploy.broker.EmbeddedKafkaBroker;
import io.partitrain.deploy.broker.KafkaBootstrap;
import io.partitrain.orchestrator.console.Console;
import io.partitrain.orchestrator.console.ConsoleConfig;
import io.partitrain.orchestrator.console.auth.LocalTokenAuthenticator;
import io.partitrain.shared.config.ServiceSettings;
import io.partitrain.shared.contracts.Topics;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.worker.WorkerConfig;
import io.partitrain.worker.backend.local.LocalBackendConfig;
import io.partitrain.worker.backend.local.LocalProcessBackend;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code partitrain up}: the demo's local stack, left running for {@code run start} and friends.
 */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description =
        "Start a local stack (Kafka, orchestrator, workers with the local backend) and keep it running.")
public final class UpCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--workers",
      defaultValue = "2",
      description = "worker count (default: ${DEFAULT-VALUE})")
  int workers;

  @Option(
      names = "--slots",
      defaultValue = "2",
      description = "local job slots per worker (default: ${DEFAULT-VALUE})")
  int slots;

  @Option(
      names = "--jobs-dir",
      defaultValue = ".partitrain/jobs",
      description = "where local jobs run (default: ${DEFAULT-VALUE})")
  Path jobsDir;

  @Option(
      names = "--data-dir",
      defaultValue = ".partitrain/up",
      description =
          "where the embedded Kafka broker keeps its data; runs, schedules and offsets survive a"
              + " restart of up (default: ${DEFAULT-VALUE})")
  Path dataDir;

  @Option(
      names = "--kafka-port",
      defaultValue = "19092",
      description =
          "port of the embedded Kafka broker, stable across restarts so clients keep working"
              + " (default: ${DEFAULT-VALUE})")
  int kafkaPort;

  @Option(
      names = "--console-port",
      defaultValue = "8080",
      description =
          "port of the web console and API on 127.0.0.1; 0: any free port (default: ${DEFAULT-VALUE})")
  int consolePort;

  @Override
  public Integer call() throws InterruptedException {
    var out = spec.commandLine().getOut();
    if (kafkaPort < 1 || kafkaPort > 65535) {
      throw new ParameterException(
          spec.commandLine(),
          "--kafka-port " + kafkaPort + " is not a port: it must be between 1 and 65535");
    }
    Path kafkaDir = dataDir.resolve("kafka").toAbsolutePath();
    KafkaBootstrap kafkaHandle =
        KafkaBootstrap.resolve(
            () -> EmbeddedKafkaBroker.custom().logDir(kafkaDir).brokerPort(kafkaPort).start());
    var kafka = new KafkaSettings(kafkaHandle.bootstrapServers(), Topics.defaults(), Map.of());
    LocalStack stack =
        LocalStack.start(
            kafka,
            workers,
            id ->
                new LocalProcessBackend(
                    new LocalBackendConfig(jobsDir.toAbsolutePath(), slots, 0, 0),
                    Clock.systemUTC()),
            WorkerConfig.forInstallation("w", Topics.DEFAULT_PREFIX),
            Clock.systemUTC());
    LocalTokenAuthenticator token = LocalTokenAuthenticator.generate();
    Console console =
        stack.startConsole(
            new ConsoleConfig(ConsoleConfig.DEFAULT_HOST, consolePort),
            token,
            Optional.of(jobsDir.toAbsolutePath()));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stack.close();
                  kafkaHandle.close();
                  stopped.countDown();
                }));
    out.printf(
        "Partitrain is up: %s, an orchestrator and %d workers (local backend, jobs in %s).%n",
        kafkaHandle.description(), workers, jobsDir.toAbsolutePath());
    if (kafkaHandle.isEmbedded()) {
      out.printf(
          "State is kept in %s: after a stop or a crash, `partitrain up` with the same --data-dir"
              + " carries on where it stopped.%n",
          kafkaDir);
    }
    out.printf(
        "In another terminal:%n  export %s=%s%n  ./partitrain run start --plan PLAN.yml   (after a demo: .partitrain/demo/plan.yml)%n",
        ServiceSettings.KAFKA_BOOTSTRAP_SERVERS.key(), kafkaHandle.bootstrapServers());
    ConsoleBanner.print(out, console, token);
    out.println("Press Ctrl-C to stop.");
    out.flush();
    stack.failure().thenRun(stopped::countDown);
    stopped.await();
    Throwable failure = stack.failure().getNow(null);
    if (failure != null) {
      spec.commandLine()
          .getErr()
          .printf(
              "partitrain up stops: a worker stopped on a failure (%s). Start it again with the"
                  + " same --data-dir; runs carry on where they stopped.%n",
              failure);
      return ExitCode.FAILED.code();
    }
    return ExitCode.OK.code();
  }
}
