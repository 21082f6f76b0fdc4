package io.partitrain.deploy.broker;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real, single-node Apache Kafka broker running inside this JVM, for the all-in-one demo and for
 * integration tests when neither {@code KAFKA_BOOTSTRAP_SERVERS} nor a Docker engine is available.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
 *   String bootstrap = broker.bootstrapServers(); // "127.0.0.1:41234"
 * }
 * try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.custom()
 *     .brokerProperty("num.partitions", 6)
 *     .logDir(Path.of(".partitrain/kafka"))   // kept on close, reused on the next start
 *     .start()) { ... }
 * }</pre>
 *
 * <p><b>Why KRaft combined mode.</b> Kafka 4 has no ZooKeeper; one process with {@code
 * process.roles=broker,controller} and a static single-voter quorum ({@code
 * controller.quorum.voters=1@127.0.0.1:port}) is the smallest real cluster: the only voter elects
 * itself at once (no election timeout to wait for), and nothing outside the JVM has to run. It is
 * the same broker code that serves production clusters, so transactions, idempotent producers,
 * consumer groups and read_committed isolation behave as they do in production.
 *
 * <p><b>Startup.</b> {@link Builder#start()} picks two free loopback ports (broker and controller
 * listeners, bound to 127.0.0.1 only), creates a temporary log dir (or uses {@link
 * Builder#logDir(Path)}), formats it with {@link Formatter} at {@link
 * MetadataVersion#latestProduction()}, starts {@link KafkaRaftServer}, and returns only once an
 * {@link Admin} client sees this node as a live broker. A port taken between picking and binding is
 * retried with new ports; any other failure, or no answer within the startup timeout, throws {@link
 * EmbeddedKafkaBrokerException} naming the address and the log dir.
 *
 * <p><b>Settings.</b> {@link #DEFAULT_BROKER_PROPERTIES} are tuned for one node and fast tests:
 * every internal topic has replication factor 1 and min ISR 1 (otherwise the first transactional
 * producer or consumer group would wait forever for replicas that do not exist), internal topics
 * have one partition each (creating 50 partitions for {@code __consumer_offsets} and 50 for {@code
 * __transaction_state} made the first {@code initTransactions()} and the first group join 1 to 2 s
 * slower each, measured), the group rebalance delay is 0, and the log cleaner's dedupe buffer is 8
 * MiB instead of 128 MiB of heap. Topics are not auto-created: the application creates its topics
 * with {@link Admin}, as it must against a production cluster.
 *
 * <p><b>Biggest advantage:</b> a real broker with no Docker and no network: under a second once the
 * JVM has loaded Kafka's classes, 3 to 6 s for the first one in a fresh JVM (class loading and JIT,
 * not waiting), and 0.2 to 0.5 s to stop. <b>Biggest limitation:</b> one node, so nothing about
 * replication, leader failover or ISR shrinking can be tested here; and a fatal metadata fault
 * inside the broker halts the JVM, as Kafka does in production.
 *
 * <p>Logging: the broker logs through SLF4J ({@code kafka.*}, {@code org.apache.kafka.*}, {@code
 * state.change.logger}), and its few Log4j 2 API calls reach SLF4J through {@code log4j-to-slf4j}
 * (log4j-core is excluded in this module's pom); {@code simplelogger.properties} in this module
 * sets Kafka to WARN.
 *
 * <p>Thread-safe; {@link #close()} is idempotent. A JVM shutdown hook closes a broker that was
 * never closed, so an interrupted demo does not leave its temporary log dir behind.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

  /** The broker's {@code node.id}; also its only controller voter id. */
  public static final int NODE_ID = 1;

  /** Both listeners bind to loopback only: the embedded broker is never reachable from outside. */
  public static final String HOST = "127.0.0.1";

  /** Name of the listener clients use. */
  public static final String BROKER_LISTENER = "PLAINTEXT";

  /** Name of the KRaft controller listener. */
  public static final String CONTROLLER_LISTENER = "CONTROLLER";

  /** How long {@link Builder#start()} waits for the broker to be ready, unless configured. */
  public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);

  /** Attempts with freshly picked ports when a picked port was taken before the broker bound it. */
  static final int MAX_BIND_ATTEMPTS = 3;

  private static final Duration READY_POLL_INTERVAL = Duration.ofMillis(50);

  /**
   * Broker settings applied unless {@link Builder#brokerProperty(String, Object)} overrides them.
   *
   * <ul>
   *   <li>{@code num.partitions=3}: more than one partition by default, so ordering and group
   *       assignment bugs show up in tests.
   *   <li>{@code default.replication.factor=1}, {@code min.insync.replicas=1}, {@code
   *       offsets.topic.replication.factor=1}, {@code transaction.state.log.replication.factor=1},
   *       {@code transaction.state.log.min.isr=1}: there is only one broker.
   *   <li>{@code offsets.topic.num.partitions=1}, {@code transaction.state.log.num.partitions=1}:
   *       the first consumer group and the first transactional producer create these topics; one
   *       partition each is created in milliseconds instead of seconds.
   *   <li>{@code group.initial.rebalance.delay.ms=0}: a group's first rebalance is not held back 3
   *       s waiting for more members.
   *   <li>{@code auto.create.topics.enable=false}: the application creates its topics, as against a
   *       production cluster; a missing topic fails a test instead of being invented.
   *   <li>{@code log.cleaner.dedupe.buffer.size=8388608}: the cleaner (needed for the compacted
   *       internal topics) would otherwise allocate 128 MiB of heap at startup.
   * </ul>
   */
  public static final Map<String, String> DEFAULT_BROKER_PROPERTIES =
      Map.ofEntries(
          Map.entry("num.partitions", "3"),
          Map.entry("default.replication.factor", "1"),
          Map.entry("min.insync.replicas", "1"),
          Map.entry("offsets.topic.replication.factor", "1"),
          Map.entry("offsets.topic.num.partitions", "1"),
          Map.entry("transaction.state.log.replication.factor", "1"),
          Map.entry("transaction.state.log.min.isr", "1"),
          Map.entry("transaction.state.log.num.partitions", "1"),
          Map.entry("group.initial.rebalance.delay.ms", "0"),
          Map.entry("auto.create.topics.enable", "false"),
          Map.entry("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024)));

  /**
   * Properties this class computes itself (identity, roles, listeners, quorum, log dirs); {@link
   * Builder#brokerProperty(String, Object)} rejects them.
   */
  public static final Set<String> RESERVED_PROPERTIES =
      Set.of(
          "node.id",
          "broker.id",
          "process.roles",
          "listeners",
          "advertised.listeners",
          "listener.security.protocol.map",
          "controller.listener.names",
          "inter.broker.listener.name",
          "controller.quorum.voters",
          "controller.quorum.bootstrap.servers",
          "log.dir",
          "log.dirs",
          "metadata.log.dir");

  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private final String clusterId;
  private final Path logDir;
  private final boolean ownsLogDir;
  private final Duration startupTime;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread shutdownHook;

  private EmbeddedKafkaBroker(
      KafkaRaftServer server,
      String bootstrapServers,
      String clusterId,
      Path logDir,
      boolean ownsLogDir,
      Duration startupTime) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
    this.clusterId = clusterId;
    this.logDir = logDir;
    this.ownsLogDir = ownsLogDir;
    this.startupTime = startupTime;
    this.shutdownHook = new Thread(this::close, "embedded-kafka-shutdown-hook");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Starts a broker with the defaults: temporary log dir, free ports, 60 s startup timeout. */
  public static EmbeddedKafkaBroker start() {
    return custom().start();
  }

  /** A builder for a broker with extra properties, a kept log dir or another startup timeout. */
  public static Builder custom() {
    return new Builder();
  }

  /** {@code 127.0.0.1:port} of the client listener, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The cluster id as reported by the running broker (kept across restarts on a reused dir). */
  public String clusterId() {
    return clusterId;
  }

  /** The data and metadata log dir; deleted by {@link #close()} unless the caller supplied it. */
  public Path logDir() {
    return logDir;
  }

  /** Wall time from {@link Builder#start()} to ready, including formatting and port retries. */
  public Duration startupTime() {
    return startupTime;
  }

  /**
   * Shuts the broker down, waits until its threads have stopped, and deletes the log dir if it was
   * a temporary one. Idempotent; safe to call from any thread.
   *
   * @throws EmbeddedKafkaBrokerException if the temporary log dir could not be deleted
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    removeShutdownHook();
    long begin = System.nanoTime();
    try {
      server.shutdown();
      server.awaitShutdown();
    } finally {
      if (ownsLogDir) {
        deleteLogDir(logDir);
      }
    }
    LOG.info(
        "Embedded Kafka broker at {} stopped in {} ms",
        bootstrapServers,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
  }

  @Override
  public String toString() {
    return "EmbeddedKafkaBroker[" + bootstrapServers + ", logDir=" + logDir + "]";
  }

  private void removeShutdownHook() {
    if (Thread.currentThread() == shutdownHook) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException jvmAlreadyShuttingDown) {
      // The hook is running or about to run; close() is idempotent, so nothing to undo.
    }
  }

  private static void deleteLogDir(Path dir) {
    try {
      Utils.delete(dir.toFile());
    } catch (IOException e) {
      throw EmbeddedKafkaBrokerException.deleteFailed(dir, e);
    }
  }

  /**
   * Options for {@link EmbeddedKafkaBroker}. Each value is checked when set; {@link #start()} may
   * be called more than once to start independent brokers with the same options (each with its own
   * temporary log dir, unless {@link #logDir(Path)} was set).
   */
  public static final class Builder {

    private final Map<String, String> brokerProperties = new LinkedHashMap<>();
    private Path logDir;
    private int brokerPort;
    private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;

    private Builder() {}

    /**
     * Binds the client listener to this port instead of a free one, so clients configured earlier
     * find the broker again after a restart ({@code partitrain up}). The controller listener still
     * gets a free port. A port that is taken fails the start at once, naming the port; it is not
     * retried with another.
     */
    public Builder brokerPort(int port) {
      if (port < 1 || port > 65535) {
        throw EmbeddedKafkaBrokerException.invalidOption(
            "brokerPort", port, "must be between 1 and 65535");
      }
      this.brokerPort = port;
      return this;
    }

    /**
     * Sets a broker property (see the Kafka broker configuration reference), overriding {@link
     * #DEFAULT_BROKER_PROPERTIES}.
     *
     * @throws EmbeddedKafkaBrokerException if the key is one of {@link #RESERVED_PROPERTIES}
     */
    public Builder brokerProperty(String key, Object value) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, () -> "value of broker property " + key);
      if (RESERVED_PROPERTIES.contains(key)) {
        throw EmbeddedKafkaBrokerException.reservedProperty(key);
      }
      brokerProperties.put(key, String.valueOf(value));
      return this;
    }

    /** Sets several broker properties; see {@link #brokerProperty(String, Object)}. */
    public Builder brokerProperties(Map<String, ?> properties) {
      properties.forEach(this::brokerProperty);
      return this;
    }

    /**
     * Uses this directory for data and metadata instead of a temporary one. It is created if
     * missing, formatted only if not yet formatted (so topics and offsets survive a restart), and
     * is <em>not</em> deleted by {@link EmbeddedKafkaBroker#close()}.
     */
    public Builder logDir(Path dir) {
      this.logDir = Objects.requireNonNull(dir, "logDir").toAbsolutePath();
      return this;
    }

    /**
     * How long to wait for the broker to start and answer; default {@link
     * #DEFAULT_STARTUP_TIMEOUT}.
     */
    public Builder startupTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "startupTimeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw EmbeddedKafkaBrokerException.invalidOption(
            "startupTimeout", timeout, "must be greater than 0");
      }
      this.startupTimeout = timeout;
      return this;
    }

    /**
     * Formats, starts and waits for the broker.
     *
     * @throws EmbeddedKafkaBrokerException if it cannot be started or is not ready in time; no
     *     broker thread and no temporary directory is left behind in that case
     */
    public EmbeddedKafkaBroker start() {
      long begin = System.nanoTime();
      long deadline = begin + startupTimeout.toNanos();
      for (int attempt = 1; ; attempt++) {
        Attempt a = prepareAttempt();
        KafkaRaftServer server = new KafkaRaftServer(a.config(), Time.SYSTEM);
        try {
          server.startup();
        } catch (RuntimeException e) {
          stopAndClean(server, a);
          if (isBindFailure(e) && brokerPort == 0 && attempt < MAX_BIND_ATTEMPTS) {
            LOG.info("Port taken while starting embedded Kafka at {}; retrying", a.bootstrap());
            continue;
          }
          throw EmbeddedKafkaBrokerException.startFailed(a.bootstrap(), a.logDir(), attempt, e);
        }
        String clusterId;
        try {
          clusterId = awaitReady(a.bootstrap(), deadline, startupTimeout);
        } catch (RuntimeException e) {
          stopAndClean(server, a);
          throw e;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - begin);
        LOG.info(
            "Embedded Kafka broker started at {} in {} ms (cluster {}, log dir {})",
            a.bootstrap(),
            took.toMillis(),
            clusterId,
            a.logDir());
        return new EmbeddedKafkaBroker(
            server, a.bootstrap(), clusterId, a.logDir(), a.ownsLogDir(), took);
      }
    }

    private Attempt prepareAttempt() {
      boolean ownsLogDir = logDir == null;
      Path dir = ownsLogDir ? createTempLogDir() : createLogDir(logDir);
      int brokerPort = this.brokerPort != 0 ? this.brokerPort : freePort();
      int controllerPort = freePort();
      while (controllerPort == brokerPort) {
        controllerPort = freePort();
      }
      Map<String, String> props = brokerConfig(dir, brokerPort, controllerPort);
      try {
        KafkaConfig config = new KafkaConfig(props, false);
        format(dir);
        return new Attempt(config, HOST + ":" + brokerPort, dir, ownsLogDir);
      } catch (RuntimeException e) {
        if (ownsLogDir) {
          deleteQuietly(dir);
        }
        throw e;
      }
    }

    private Map<String, String> brokerConfig(Path dir, int brokerPort, int controllerPort) {
      Map<String, String> props = new LinkedHashMap<>(DEFAULT_BROKER_PROPERTIES);
      // Without a bound, a broker that cannot reach its controller blocks startup() forever.
      props.put("server.max.startup.time.ms", String.valueOf(startupTimeout.toMillis()));
      props.putAll(brokerProperties);
      props.put("node.id", String.valueOf(NODE_ID));
      props.put("process.roles", "broker,controller");
      props.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
      props.put("controller.listener.names", CONTROLLER_LISTENER);
      props.put("inter.broker.listener.name", BROKER_LISTENER);
      props.put(
          "listeners",
          BROKER_LISTENER
              + "://"
              + HOST
              + ":"
              + brokerPort
              + ","
              + CONTROLLER_LISTENER
              + "://"
              + HOST
              + ":"
              + controllerPort);
      props.put("advertised.listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort);
      props.put(
          "listener.security.protocol.map",
          BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
      props.put("log.dirs", dir.toString());
      return props;
    }

    private static void format(Path dir) {
      try {
        new Formatter()
            .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
            .setNodeId(NODE_ID)
            .setClusterId(existingClusterId(dir).orElseGet(() -> Uuid.randomUuid().toString()))
            .setDirectories(List.of(dir.toString()))
            .setMetadataLogDirectory(dir.toString())
            .setControllerListenerName(CONTROLLER_LISTENER)
            .setReleaseVersion(MetadataVersion.latestProduction())
            .setIgnoreFormatted(true)
            .run();
      } catch (Exception e) {
        throw EmbeddedKafkaBrokerException.formatFailed(dir, e);
      }
    }

    /** A reused log dir keeps its cluster id: the formatter rejects a different one. */
    private static Optional<String> existingClusterId(Path dir) throws IOException {
      Path metaProperties = dir.resolve("meta.properties");
      if (!Files.isRegularFile(metaProperties)) {
        return Optional.empty();
      }
      Properties meta = new Properties();
      try (Reader reader = Files.newBufferedReader(metaProperties)) {
        meta.load(reader);
      }
      return Optional.ofNullable(meta.getProperty("cluster.id"));
    }

    /** Returns the cluster id once describeCluster lists this node as a live broker. */
    private static String awaitReady(String bootstrap, long deadlineNanos, Duration timeout) {
      Throwable last = null;
      try (Admin admin =
          Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        while (true) {
          long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
          if (remainingMs <= 0) {
            throw EmbeddedKafkaBrokerException.notReady(bootstrap, timeout, last);
          }
          try {
            DescribeClusterResult cluster =
                admin.describeCluster(
                    new DescribeClusterOptions().timeoutMs((int) Math.min(remainingMs, 10_000)));
            Collection<Node> nodes = cluster.nodes().get(remainingMs, TimeUnit.MILLISECONDS);
            if (nodes.stream().anyMatch(node -> node.id() == NODE_ID)) {
              return cluster.clusterId().get(remainingMs, TimeUnit.MILLISECONDS);
            }
          } catch (ExecutionException e) {
            last = e.getCause();
          } catch (TimeoutException e) {
            last = e;
          }
          Thread.sleep(READY_POLL_INTERVAL.toMillis());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw EmbeddedKafkaBrokerException.interrupted(bootstrap, e);
      }
    }

    private static boolean isBindFailure(Throwable e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof BindException) {
          return true;
        }
        if (t.getMessage() != null && t.getMessage().contains("Address already in use")) {
          return true;
        }
      }
      return false;
    }

    private static void stopAndClean(KafkaRaftServer server, Attempt attempt) {
      try {
        server.shutdown();
        server.awaitShutdown();
      } catch (RuntimeException e) {
        LOG.warn(
            "Embedded Kafka at {} did not stop cleanly after a failed start",
            attempt.bootstrap(),
            e);
      }
      if (attempt.ownsLogDir()) {
        deleteQuietly(attempt.logDir());
      }
    }

    private static Path createTempLogDir() {
      try {
        return Files.createTempDirectory("partitrain-kafka-");
      } catch (IOException e) {
        throw EmbeddedKafkaBrokerException.cannotCreateDir(
            Path.of(System.getProperty("java.io.tmpdir")), e);
      }
    }

    private static Path createLogDir(Path dir) {
      try {
        return Files.createDirectories(dir);
      } catch (IOException e) {
        throw EmbeddedKafkaBrokerException.cannotCreateDir(dir, e);
      }
    }

    private static void deleteQuietly(Path dir) {
      try {
        Utils.delete(dir.toFile());
      } catch (IOException e) {
        LOG.warn("Could not delete embedded Kafka log dir {}", dir, e);
      }
    }

    private static int freePort() {
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
        return socket.getLocalPort();
      } catch (IOException e) {
        throw EmbeddedKafkaBrokerException.noFreePort(HOST, e);
      }
    }
  }

  private record Attempt(KafkaConfig config, String bootstrap, Path logDir, boolean ownsLogDir) {}
}
