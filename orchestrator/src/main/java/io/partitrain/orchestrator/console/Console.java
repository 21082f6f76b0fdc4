package io.partitrain.orchestrator.console;

import io.partitrain.orchestrator.console.api.ConsoleApi;
import io.partitrain.orchestrator.console.api.command.CommandGateway;
import io.partitrain.orchestrator.console.api.command.KafkaCommandGateway;
import io.partitrain.orchestrator.console.api.read.JobLogs;
import io.partitrain.orchestrator.console.api.read.WorkerLogs;
import io.partitrain.orchestrator.console.auth.Authenticator;
import io.partitrain.orchestrator.console.view.RunDetails;
import io.partitrain.orchestrator.console.view.TopicFollower;
import io.partitrain.shared.kafka.KafkaSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The console of one orchestrator instance: its own view of the topics, the command gateway and the
 * HTTP server. Leader and standbys each run one; all of them answer reads, and their writes all go
 * to the commands topic, where the leader picks them up.
 */
public final class Console implements AutoCloseable {

  private final TopicFollower follower;
  private final KafkaCommandGateway gateway;
  private final ConsoleServer server;
  private final String host;

  private Console(
      TopicFollower follower, KafkaCommandGateway gateway, ConsoleServer server, String host) {
    this.follower = follower;
    this.gateway = gateway;
    this.server = server;
    this.host = host;
  }

  /**
   * What the process hosting the console offers it.
   *
   * @param jobsRoot the local jobs folder whose logs the console may show (all-in-one only)
   * @param metrics the Prometheus exposition of this process, or null
   * @param leading whether this instance leads now (reported by {@code /readyz})
   * @param workerLogs reads local jobs' logs from the workers that created them; null: none
   */
  public record Host(
      Optional<Path> jobsRoot,
      Supplier<String> metrics,
      BooleanSupplier leading,
      WorkerLogs workerLogs) {

    /** A host whose console reads no log from the workers (only under {@code jobsRoot}). */
    public Host(Optional<Path> jobsRoot, Supplier<String> metrics, BooleanSupplier leading) {
      this(jobsRoot, metrics, leading, null);
    }
  }

  /** Starts following the topics and serving. */
  public static Console start(
      KafkaSettings kafka,
      String instanceId,
      ConsoleConfig config,
      Authenticator authenticator,
      Host host,
      Clock clock) {
    TopicFollower follower =
        new TopicFollower(kafka, instanceId, clock, config.retainedRuns()).start();
    KafkaCommandGateway gateway = null;
    try {
      gateway = new KafkaCommandGateway(kafka, instanceId);
      return start(
          follower, gateway, RunDetails.fromTopics(kafka), config, authenticator, host, clock);
    } catch (RuntimeException e) {
      follower.close();
      if (gateway != null) {
        gateway.close();
      }
      throw e;
    }
  }

  private static Console start(
      TopicFollower follower,
      KafkaCommandGateway gateway,
      RunDetails details,
      ConsoleConfig config,
      Authenticator authenticator,
      Host host,
      Clock clock) {
    CommandGateway commands = gateway;
    ConsoleApi api =
        new ConsoleApi(
            follower, commands, new JobLogs(host.jobsRoot(), host.workerLogs()), details, clock);
    ConsoleServer server =
        ConsoleServer.start(
            config,
            api,
            authenticator,
            host.metrics(),
            follower::caughtUp,
            () -> {
              Map<String, Object> s = new LinkedHashMap<>();
              s.put("role", host.leading().getAsBoolean() ? "leader" : "standby");
              s.put("viewCaughtUp", follower.caughtUp());
              return s;
            });
    return new Console(follower, gateway, server, config.host());
  }

  /** The page's address. */
  public URI url() {
    return server.url(host);
  }

  public int port() {
    return server.port();
  }

  public TopicFollower view() {
    return follower;
  }

  @Override
  public void close() {
    server.close();
    gateway.close();
    follower.close();
  }
}
