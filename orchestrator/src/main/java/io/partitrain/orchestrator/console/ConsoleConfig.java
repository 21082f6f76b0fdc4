package io.partitrain.orchestrator.console;

import io.partitrain.shared.config.Env;
import io.partitrain.shared.config.Setting;
import java.util.List;
import java.util.Optional;

/**
 * Where the console listens and how much history its fold keeps. Its settings, with those of {@link
 * ConsoleAuthConfig}, are listed in {@link #settings()}, from which the README's settings table is
 * generated.
 *
 * @param host the address to bind ({@value #DEFAULT_HOST} by default; {@code 0.0.0.0} in a pod)
 * @param port the port (0 picks a free one)
 * @param retainedRuns how many finished runs keep their partition detail in the console's memory
 */
public record ConsoleConfig(String host, int port, int retainedRuns) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  public static final int DEFAULT_RETAINED_RUNS = 20;
  public static final String API_VERSION = "1";

  public static final Setting<Integer> PORT =
      Setting.optionalInteger(
          "PARTITRAIN_CONSOLE_PORT",
          "the port of the console: web page, /api/v1, /metrics, /healthz, /readyz (0: any free"
              + " port; unset: no console)",
          "(off)",
          0,
          65535);

  public static final Setting<String> HOST =
      Setting.text(
          "PARTITRAIN_CONSOLE_HOST",
          "the address the console binds (0.0.0.0 in a pod)",
          DEFAULT_HOST);

  public static final Setting<Integer> RETAINED_RUNS =
      Setting.integer(
          "PARTITRAIN_CONSOLE_RETAINED_RUNS",
          "how many finished runs keep their partitions, jobs and ledger in the console's memory;"
              + " older finished runs keep their summary only (counts, cost, decisions) and their"
              + " detail is read from Kafka when asked for",
          DEFAULT_RETAINED_RUNS,
          1,
          100_000);

  public ConsoleConfig {
    PORT.check(port);
    RETAINED_RUNS.check(retainedRuns);
  }

  public ConsoleConfig(String host, int port) {
    this(host, port, DEFAULT_RETAINED_RUNS);
  }

  /** The console's settings from the environment; empty when {@link #PORT} is unset. */
  public static Optional<ConsoleConfig> from(Env env) {
    Integer port = PORT.from(env);
    return port == null
        ? Optional.empty()
        : Optional.of(new ConsoleConfig(HOST.from(env), port, RETAINED_RUNS.from(env)));
  }

  /** A free port on the loopback interface: tests and the all-in-one installation. */
  public static ConsoleConfig ephemeral() {
    return new ConsoleConfig(DEFAULT_HOST, 0);
  }

  /** The same console keeping the detail of {@code runs} finished runs. */
  public ConsoleConfig withRetainedRuns(int runs) {
    return new ConsoleConfig(host, port, runs);
  }

  /** Every setting of the console, its own and its authentication's. */
  public static List<Setting<?>> settings() {
    return List.of(
        PORT,
        HOST,
        RETAINED_RUNS,
        ConsoleAuthConfig.ISSUER,
        ConsoleAuthConfig.AUDIENCE,
        ConsoleAuthConfig.JWKS_URL,
        ConsoleAuthConfig.TOKEN);
  }
}
