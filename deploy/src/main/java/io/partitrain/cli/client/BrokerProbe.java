package io.partitrain.cli.client;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks, before any Kafka client starts, whether at least one bootstrap address takes a TCP
 * connection. A Kafka client that cannot connect retries until its call timeout; the probe turns
 * the common mistakes (nothing listens on the port, a host name that does not resolve) into an
 * answer within milliseconds, and bounds an address that swallows packets to {@code timeout}.
 *
 * <p>Biggest advantage: the operator learns at once that nothing listens there, and which address
 * was tried. Limitation: it proves only that something accepts TCP connections there; whether it
 * speaks Kafka (and accepts our credentials) is still learned from the client, within the CLI's
 * call timeout.
 */
public final class BrokerProbe {

  private BrokerProbe() {}

  /**
   * Empty when some address of {@code bootstrapServers} ({@code host:port,...}) accepted a TCP
   * connection within {@code timeout}; else what happened at each, in one line.
   */
  public static Optional<String> unreachable(String bootstrapServers, Duration timeout) {
    List<String> servers = new ArrayList<>();
    for (String s : bootstrapServers.split(",")) {
      if (!s.isBlank()) {
        servers.add(s.strip());
      }
    }
    List<CompletableFuture<String>> tries = new ArrayList<>();
    for (String server : servers) {
      // Daemon threads of the common pool: a DNS lookup that hangs does not keep the CLI alive.
      tries.add(CompletableFuture.supplyAsync(() -> attempt(server, timeout)));
    }
    List<String> problems = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos() + 200_000_000L;
    for (int i = 0; i < servers.size(); i++) {
      String problem;
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        problem = tries.get(i).get(left, TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        problem = noAnswer(timeout);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      } catch (ExecutionException e) {
        problem = String.valueOf(e.getCause());
      }
      if (problem == null) {
        return Optional.empty();
      }
      problems.add(servers.size() == 1 ? problem : servers.get(i) + ": " + problem);
    }
    return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
  }

  /** Null when the server accepted a connection; else why not. */
  private static String attempt(String server, Duration timeout) {
    int colon = server.lastIndexOf(':');
    if (colon <= 0 || colon == server.length() - 1) {
      return "not HOST:PORT";
    }
    String host = server.substring(0, colon).replace("[", "").replace("]", "");
    int port;
    try {
      port = Integer.parseInt(server.substring(colon + 1));
    } catch (NumberFormatException e) {
      return "the port is not a number";
    }
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      return "unknown host " + host;
    }
    String last = null;
    for (InetAddress address : addresses) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(address, port), (int) timeout.toMillis());
        return null;
      } catch (ConnectException e) {
        last =
            String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("refused")
                ? "connection refused (nothing listens on port " + port + ")"
                : e.getMessage();
      } catch (SocketTimeoutException e) {
        last = noAnswer(timeout);
      } catch (IOException e) {
        last = e.getMessage();
      }
    }
    return last;
  }

  private static String noAnswer(Duration timeout) {
    return "no TCP answer within " + timeout.toMillis() + " ms";
  }
}
