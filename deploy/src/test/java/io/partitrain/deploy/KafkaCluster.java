package io.partitrain.deploy;

import static org.awaitility.Awaitility.await;

import io.partitrain.deploy.broker.ClusterNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;

/**
 * A replicated KRaft cluster for integration tests: {@code n} nodes ({@link ClusterNode}), each in
 * a JVM of its own on loopback, so that one can be killed, stopped or restarted as a production
 * broker is. Ports are picked once and kept, so a restarted node comes back where clients expect
 * it, with its log dir.
 */
final class KafkaCluster implements AutoCloseable {

  static final Duration STARTUP = Duration.ofSeconds(120);

  private final Path dir;
  private final String clusterId = Uuid.randomUuid().toString();
  private final int[] clientPorts;
  private final String voters;
  private final ServiceProcess[] nodes;
  private int generation;

  private KafkaCluster(Path dir, int n) {
    this.dir = dir;
    this.clientPorts = new int[n];
    int[] controllerPorts = new int[n];
    List<Integer> used = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      clientPorts[i] = freePort(used);
      controllerPorts[i] = freePort(used);
    }
    this.voters =
        IntStream.range(0, n)
            .mapToObj(i -> (i + 1) + "@127.0.0.1:" + controllerPorts[i])
            .collect(Collectors.joining(","));
    this.nodes = new ServiceProcess[n];
  }

  /** Starts {@code n} nodes and returns once every one of them is a live broker. */
  static KafkaCluster start(Path dir, int n) {
    KafkaCluster cluster = new KafkaCluster(dir, n);
    try {
      for (int id = 1; id <= n; id++) {
        cluster.launch(id);
      }
      cluster.awaitBrokers(n);
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  String bootstrapServers() {
    return IntStream.of(clientPorts)
        .mapToObj(p -> "127.0.0.1:" + p)
        .collect(Collectors.joining(","));
  }

  int size() {
    return nodes.length;
  }

  ServiceProcess node(int id) {
    return nodes[id - 1];
  }

  /** SIGKILLs node {@code id} and waits until it is gone. */
  void kill(int id) throws InterruptedException {
    nodes[id - 1].signal("KILL");
    nodes[id - 1].awaitExit(Duration.ofSeconds(30));
  }

  /** Starts node {@code id} again from its log dir and waits until all nodes are live brokers. */
  void restart(int id) {
    nodes[id - 1].close();
    launch(id);
    awaitBrokers(nodes.length);
  }

  /** Stops every node (SIGTERM, as a maintenance window does) and starts them all again. */
  void restartAll() throws InterruptedException {
    for (ServiceProcess node : nodes) {
      node.signal("TERM");
    }
    for (ServiceProcess node : nodes) {
      node.awaitExit(Duration.ofSeconds(60));
    }
    for (int id = 1; id <= nodes.length; id++) {
      launch(id);
    }
    awaitBrokers(nodes.length);
  }

  /**
   * Moves the leadership of a partition to another of its replicas: the replicas are reordered so
   * that another one is preferred, and a preferred election is asked for, as an operator
   * rebalancing a cluster does. Returns the new leader.
   */
  int moveLeader(String topic, int partition) throws Exception {
    TopicPartition tp = new TopicPartition(topic, partition);
    try (Admin admin = admin()) {
      TopicPartitionInfo info = describe(admin, topic, partition);
      int leader = info.leader().id();
      List<Integer> order = new ArrayList<>();
      info.replicas().forEach(n -> order.add(n.id()));
      order.remove(Integer.valueOf(leader));
      order.add(leader);
      admin
          .alterPartitionReassignments(Map.of(tp, Optional.of(new NewPartitionReassignment(order))))
          .all()
          .get(30, TimeUnit.SECONDS);
      await()
          .atMost(STARTUP)
          .pollInterval(Duration.ofMillis(200))
          .until(() -> admin.listPartitionReassignments().reassignments().get().isEmpty());
      admin.electLeaders(ElectionType.PREFERRED, Set.of(tp)).partitions().get(30, TimeUnit.SECONDS);
      await()
          .atMost(STARTUP)
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .until(() -> describe(admin, topic, partition).leader().id() == order.get(0));
      return order.get(0);
    }
  }

  private static TopicPartitionInfo describe(Admin admin, String topic, int partition)
      throws Exception {
    return admin
        .describeTopics(List.of(topic))
        .allTopicNames()
        .get(30, TimeUnit.SECONDS)
        .get(topic)
        .partitions()
        .get(partition);
  }

  /** The node that leads partition {@code partition} of {@code topic} now. */
  int leaderOf(String topic, int partition) {
    try (Admin admin = admin()) {
      return describe(admin, topic, partition).leader().id();
    } catch (Exception e) {
      throw new IllegalStateException("cannot find the leader of " + topic + "-" + partition, e);
    }
  }

  Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
  }

  private void launch(int id) {
    nodes[id - 1] =
        ServiceProcess.startMain(
            "kafka-" + id + "-" + (++generation),
            dir,
            ClusterNode.class.getName(),
            List.of(
                String.valueOf(id),
                String.valueOf(clientPorts[id - 1]),
                voters,
                clusterId,
                dir.resolve("kafka-" + id).toString()));
  }

  private void awaitBrokers(int n) {
    try (Admin admin = admin()) {
      await()
          .atMost(STARTUP)
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .alias(n + " live brokers at " + bootstrapServers() + "; logs in " + dir)
          .until(
              () ->
                  admin
                          .describeCluster(new DescribeClusterOptions().timeoutMs(5_000))
                          .nodes()
                          .get(10, TimeUnit.SECONDS)
                          .size()
                      == n);
    }
  }

  private static int freePort(List<Integer> used) {
    while (true) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
        int port = s.getLocalPort();
        if (!used.contains(port)) {
          used.add(port);
          return port;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Override
  public void close() {
    for (ServiceProcess node : nodes) {
      if (node != null) {
        node.close();
      }
    }
  }
}
