package io.partitrain.cli;

import io.partitrain.cli.client.ConsoleApiClient;
import io.partitrain.shared.PartitrainException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --server URL}: talk to the console API instead of Kafka, so a laptop needs no Kafka
 * credentials. The token comes from {@value #TOKEN_ENV} only, never from an option (an option would
 * land in shell history and in the process list).
 */
public final class ServerOptions {

  public static final String SERVER_ENV = "PARTITRAIN_SERVER";
  public static final String TOKEN_ENV = "PARTITRAIN_TOKEN";

  @Option(
      names = "--server",
      description =
          "the console's URL (http://127.0.0.1:8080); the bearer token is read from $"
              + TOKEN_ENV
              + " (default: $"
              + SERVER_ENV
              + ", else Kafka)")
  String server;

  @Option(
      names = "--token-file",
      description = "a file holding the bearer token (default: $" + TOKEN_ENV + ")")
  Path tokenFile;

  /** The API client when a server is named; empty: use Kafka. */
  public Optional<ConsoleApiClient> client() {
    String url = server != null ? server : System.getenv(SERVER_ENV);
    if (url == null || url.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(new ConsoleApiClient(URI.create(url), token()));
  }

  private String token() {
    if (tokenFile == null) {
      return System.getenv(TOKEN_ENV);
    }
    try {
      return Files.readString(tokenFile).strip();
    } catch (IOException e) {
      throw new PartitrainException(
          "--token-file " + tokenFile + " must be a readable file: " + e.getMessage());
    }
  }
}
