package io.partitrain.deploy.broker;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * One node of a replicated KRaft cluster on loopback, in a JVM of its own, so that a test can kill,
 * stop or restart one broker of three as production brokers are ({@code KafkaCluster} in the deploy
 * tests starts three). Each node is broker and controller; the quorum is the static voter list
 * every node is given, and every node's log dir is formatted with the one cluster id.
 *
 * <p>Settings are a production cluster's in small: replication factor 3 and {@code
 * min.insync.replicas} 2 for every topic, the consumer offsets and the transaction log, so a
 * cluster with one node down still accepts transactional writes and one with two down refuses them,
 * as a real one does. The rest is {@link EmbeddedKafkaBroker#DEFAULT_BROKER_PROPERTIES}.
 *
 * <pre>{@code
 * java -cp partitrain.jar io.partitrain.deploy.broker.ClusterNode \
 *     NODE_ID CLIENT_PORT VOTERS CLUSTER_ID LOG_DIR
 * # VOTERS: 1@127.0.0.1:9101,2@127.0.0.1:9102,3@127.0.0.1:9103 (the controller listeners)
 * }</pre>
 *
 * It prints {@value #STARTED} and its node id on standard output once it serves, and stops cleanly
 * on SIGTERM (a SIGKILL is a crash, recovered at the next start from the same log dir).
 */
public final class ClusterNode {

  /** What a node prints once it serves. */
  public static final String STARTED = "cluster node started:";

  private ClusterNode() {}

  /** The broker configuration of node {@code nodeId} of the cluster whose voters are given. */
  public static Map<String, String> properties(
      int nodeId, int clientPort, String voters, Path logDir) {
    String controller = controllerAddress(nodeId, voters);
    Map<String, String> props = new LinkedHashMap<>(EmbeddedKafkaBroker.DEFAULT_BROKER_PROPERTIES);
    props.put("default.replication.factor", "3");
    props.put("min.insync.replicas", "2");
    props.put("offsets.topic.replication.factor", "3");
    props.put("transaction.state.log.replication.factor", "3");
    props.put("transaction.state.log.min.isr", "2");
    props.put("node.id", String.valueOf(nodeId));
    props.put("process.roles", "broker,controller");
    props.put("controller.quorum.voters", voters);
    props.put("controller.listener.names", EmbeddedKafkaBroker.CONTROLLER_LISTENER);
    props.put("inter.broker.listener.name", EmbeddedKafkaBroker.BROKER_LISTENER);
    props.put(
        "listeners",
        EmbeddedKafkaBroker.BROKER_LISTENER
            + "://"
            + EmbeddedKafkaBroker.HOST
            + ":"
            + clientPort
            + ","
            + EmbeddedKafkaBroker.CONTROLLER_LISTENER
            + "://"
            + controller);
    props.put(
        "advertised.listeners",
        EmbeddedKafkaBroker.BROKER_LISTENER + "://" + EmbeddedKafkaBroker.HOST + ":" + clientPort);
    props.put(
        "listener.security.protocol.map",
        EmbeddedKafkaBroker.BROKER_LISTENER
            + ":PLAINTEXT,"
            + EmbeddedKafkaBroker.CONTROLLER_LISTENER
            + ":PLAINTEXT");
    props.put("log.dirs", logDir.toString());
    return props;
  }

  /** This node's entry in the voter list ("host:port"). */
  private static String controllerAddress(int nodeId, String voters) {
    for (String voter : voters.split(",")) {
      String[] idAndAddress = voter.split("@", 2);
      if (idAndAddress.length == 2 && idAndAddress[0].equals(String.valueOf(nodeId))) {
        return idAndAddress[1];
      }
    }
    throw new IllegalArgumentException(
        "node " + nodeId + " is not in the voter list '" + voters + "'");
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      System.err.println("usage: ClusterNode NODE_ID CLIENT_PORT VOTERS CLUSTER_ID LOG_DIR");
      System.exit(2);
    }
    int nodeId = Integer.parseInt(args[0]);
    int clientPort = Integer.parseInt(args[1]);
    String voters = args[2];
    String clusterId = args[3];
    Path logDir = Files.createDirectories(Path.of(args[4]).toAbsolutePath());
    KafkaConfig config = new KafkaConfig(properties(nodeId, clientPort, voters, logDir), false);
    new Formatter()
        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
        .setNodeId(nodeId)
        .setClusterId(clusterId)
        .setDirectories(List.of(logDir.toString()))
        .setMetadataLogDirectory(logDir.toString())
        .setControllerListenerName(EmbeddedKafkaBroker.CONTROLLER_LISTENER)
        .setReleaseVersion(MetadataVersion.latestProduction())
        .setIgnoreFormatted(true)
        .run();
    KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.shutdown();
                  server.awaitShutdown();
                  stopped.countDown();
                },
                "cluster-node-shutdown"));
    server.startup();
    System.out.println(STARTED + " " + nodeId);
    System.out.flush();
    stopped.await();
  }
}
