package io.partitrain.orchestrator.console;

/**
 * Where the console listens.
 *
 * @param host the address to bind ({@value #DEFAULT_HOST} by default; {@code 0.0.0.0} in a pod)
 * @param port the port ({@value #DEFAULT_PORT} by default; 0 picks a free one)
 */
public record ConsoleConfig(String host, int port) {

  public static final String HOST_ENV = "PARTITRAIN_CONSOLE_HOST";
  public static final String PORT_ENV = "PARTITRAIN_CONSOLE_PORT";
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  public static final String API_VERSION = "1";

  public ConsoleConfig {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          PORT_ENV + " must be from 0 to 65535 (0: any free port), but was " + port);
    }
  }

  /** A free port on the loopback interface: tests and the all-in-one installation. */
  public static ConsoleConfig ephemeral() {
    return new ConsoleConfig(DEFAULT_HOST, 0);
  }
}
