package io.partitrain.shared.kafka;

import io.partitrain.shared.contracts.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The one source of truth for what each Partitrain Kafka principal may do: the integration test
 * grants exactly these on a broker with {@code StandardAuthorizer}, and the shipped {@code
 * deploy/kafka/partitrain-acls.sh} and {@code deploy/kubernetes/strimzi/kafka-users.yaml} are
 * generated from them ({@link #kafkaAclsScript()}, {@link #strimziKafkaUsers(String)}); a test
 * fails when a shipped file differs from what this class generates.
 *
 * <p>Every grant names one literal resource of one installation (its topic prefix); no wildcard, no
 * prefixed pattern, no cluster-level right. Topics are created by the administrator: no role may
 * create or delete one.
 */
public final class KafkaAcls {

  /** A service role with its own principal. */
  public enum Role {
    /**
     * Reads commands, partitions and status; writes decisions, work, FinOps records, dead letters.
     */
    ORCHESTRATOR,
    /** Reads work; writes status and dead letters. Nothing else. */
    WORKER,
    /** The CLI or the API that fronts it: writes commands, reads decisions and FinOps records. */
    OPERATOR,
    /** Reads FinOps records and decisions. */
    FINOPS;

    /** {@code partitrain-orchestrator}: the default user name of this role's principal. */
    public String defaultUser() {
      return "partitrain-" + name().toLowerCase(Locale.ROOT);
    }
  }

  /** One allowed operation of a role on one literal resource. */
  public record Grant(Role role, ResourceType type, String name, AclOperation operation) {

    /** As a Kafka ACL binding for {@code principal} ({@code User:NAME}), from any host. */
    public AclBinding binding(String principal) {
      return new AclBinding(
          new ResourcePattern(type, name, PatternType.LITERAL),
          new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }
  }

  private KafkaAcls() {}

  /** The orchestrators' consumer group on their inputs; also their shared transactional id. */
  public static String orchestratorGroup(Topics t) {
    return t.prefix() + "-orchestrator";
  }

  /** The transactional id of the orchestrator's start-up check ({@link TransactionProbe}). */
  public static String probeTransactionalId(Topics t) {
    return t.prefix() + "-orchestrator-probe";
  }

  /** The orchestrators' leader election group on the control topic. */
  public static String leaderGroup(Topics t) {
    return t.prefix() + "-orchestrator-leader";
  }

  /** The workers' consumer group on the work topic. */
  public static String workerGroup(Topics t) {
    return t.prefix() + "-workers";
  }

  /** Every grant of every role of the installation using these topics. */
  public static List<Grant> grants(Topics t) {
    List<Grant> g = new ArrayList<>();
    for (Role r : Role.values()) {
      g.addAll(grants(t, r));
    }
    return List.copyOf(g);
  }

  /** The grants of one role. */
  public static List<Grant> grants(Topics t, Role role) {
    List<Grant> g = new ArrayList<>();
    switch (role) {
      case ORCHESTRATOR -> {
        read(g, role, t.commands(), t.partitions(), t.status(), t.runs(), t.state(), t.control());
        write(g, role, t.partitions(), t.runs(), t.state(), t.work(), t.finops(), t.deadLetters());
        group(g, role, orchestratorGroup(t));
        group(g, role, leaderGroup(t));
        g.add(
            new Grant(
                role, ResourceType.TRANSACTIONAL_ID, orchestratorGroup(t), AclOperation.WRITE));
        g.add(
            new Grant(
                role, ResourceType.TRANSACTIONAL_ID, probeTransactionalId(t), AclOperation.WRITE));
      }
      case WORKER -> {
        read(g, role, t.work());
        write(g, role, t.status(), t.deadLetters());
        group(g, role, workerGroup(t));
      }
      case OPERATOR -> {
        write(g, role, t.commands());
        read(g, role, t.runs(), t.state(), t.finops());
      }
      case FINOPS -> read(g, role, t.finops(), t.runs(), t.state());
    }
    return List.copyOf(g);
  }

  private static void read(List<Grant> g, Role role, String... topics) {
    for (String topic : topics) {
      g.add(new Grant(role, ResourceType.TOPIC, topic, AclOperation.READ));
    }
  }

  private static void write(List<Grant> g, Role role, String... topics) {
    for (String topic : topics) {
      g.add(new Grant(role, ResourceType.TOPIC, topic, AclOperation.WRITE));
    }
  }

  private static void group(List<Grant> g, Role role, String group) {
    g.add(new Grant(role, ResourceType.GROUP, group, AclOperation.READ));
  }

  /**
   * A bash script for an administrator of a self-managed cluster (Apache Kafka, Confluent, MSK with
   * IAM off): creates the topics and grants each role exactly its ACLs. Prefix and principals come
   * from its environment, so one generated file serves every installation.
   */
  public static String kafkaAclsScript() {
    Topics t = new Topics("PREFIX");
    StringBuilder s = new StringBuilder();
    s.append(
        """
        #!/usr/bin/env bash
        # Generated by io.partitrain.shared.kafka.KafkaAcls: do not edit by hand.
        # Creates Partitrain's topics and grants each role exactly its ACLs (least privilege).
        #   BOOTSTRAP=broker:9093 ADMIN_CONFIG=admin.properties ./partitrain-acls.sh
        # Optional: PARTITRAIN_TOPIC_PREFIX (default partitrain), REPLICATION_FACTOR (default 3),
        # ORCHESTRATOR_PRINCIPAL, WORKER_PRINCIPAL, OPERATOR_PRINCIPAL, FINOPS_PRINCIPAL
        # (default User:partitrain-<role>), KAFKA_BIN (default: kafka-*.sh on PATH).
        set -euo pipefail
        : "${BOOTSTRAP:?set BOOTSTRAP to the bootstrap servers of the cluster}"
        : "${ADMIN_CONFIG:?set ADMIN_CONFIG to an admin client properties file}"
        P="${PARTITRAIN_TOPIC_PREFIX:-partitrain}"
        RF="${REPLICATION_FACTOR:-3}"
        BIN="${KAFKA_BIN:+$KAFKA_BIN/}"
        """);
    for (Role r : Role.values()) {
      s.append(r.name())
          .append("=\"${")
          .append(r.name())
          .append("_PRINCIPAL:-User:")
          .append(r.defaultUser())
          .append("}\"\n");
    }
    s.append("\n# Topics\n");
    for (NewTopic topic : TopicAdmin.topics(t, (short) 3)) {
      s.append("\"${BIN}kafka-topics.sh\" --bootstrap-server \"$BOOTSTRAP\"")
          .append(" --command-config \"$ADMIN_CONFIG\" --create --if-not-exists --topic \"")
          .append(shellName(t, topic.name()))
          .append("\" --partitions ")
          .append(topic.numPartitions())
          .append(" --replication-factor \"$RF\"");
      topic.configs().entrySet().stream()
          .sorted(java.util.Map.Entry.comparingByKey())
          .forEach(c -> s.append(" --config ").append(c.getKey()).append('=').append(c.getValue()));
      s.append('\n');
    }
    for (Role r : Role.values()) {
      s.append("\n# ").append(r.name()).append('\n');
      for (Grant g : grants(t, r)) {
        s.append("\"${BIN}kafka-acls.sh\" --bootstrap-server \"$BOOTSTRAP\"")
            .append(" --command-config \"$ADMIN_CONFIG\" --add --allow-principal \"$")
            .append(r.name())
            .append("\" --operation ")
            .append(camel(g.operation().name()))
            .append(' ')
            .append(aclsFlag(g.type()))
            .append(" \"")
            .append(shellName(t, g.name()))
            .append("\" --resource-pattern-type literal\n");
      }
    }
    return s.toString();
  }

  /**
   * Strimzi {@code KafkaUser} resources (SCRAM-SHA-512, simple authorization) for the default
   * prefix, one per role, for the Kafka cluster named {@code cluster}.
   */
  public static String strimziKafkaUsers(String cluster) {
    Topics t = Topics.defaults();
    StringBuilder s = new StringBuilder();
    s.append("# Generated by io.partitrain.shared.kafka.KafkaAcls: do not edit by hand.\n");
    s.append("# One KafkaUser per Partitrain role, each allowed exactly its own topics.\n");
    for (Role r : Role.values()) {
      s.append("---\n")
          .append("apiVersion: kafka.strimzi.io/v1beta2\n")
          .append("kind: KafkaUser\n")
          .append("metadata:\n")
          .append("  name: ")
          .append(r.defaultUser())
          .append('\n')
          .append("  labels:\n")
          .append("    strimzi.io/cluster: ")
          .append(cluster)
          .append('\n')
          .append("spec:\n")
          .append("  authentication:\n")
          .append("    type: scram-sha-512\n")
          .append("  authorization:\n")
          .append("    type: simple\n")
          .append("    acls:\n");
      for (Grant g : grants(t, r)) {
        s.append("      - resource:\n")
            .append("          type: ")
            .append(strimziType(g.type()))
            .append('\n')
            .append("          name: ")
            .append(g.name())
            .append('\n')
            .append("          patternType: literal\n")
            .append("        operations: [")
            .append(camel(g.operation().name()))
            .append("]\n")
            .append("        host: \"*\"\n");
      }
    }
    return s.toString();
  }

  private static String shellName(Topics t, String name) {
    if (!name.startsWith(t.prefix())) {
      throw new IllegalStateException(name + " does not start with the prefix " + t.prefix());
    }
    return "${P}" + name.substring(t.prefix().length());
  }

  private static String aclsFlag(ResourceType type) {
    return switch (type) {
      case TOPIC -> "--topic";
      case GROUP -> "--group";
      case TRANSACTIONAL_ID -> "--transactional-id";
      default -> throw new IllegalStateException("no grant on " + type + " is expected");
    };
  }

  private static String strimziType(ResourceType type) {
    return switch (type) {
      case TOPIC -> "topic";
      case GROUP -> "group";
      case TRANSACTIONAL_ID -> "transactionalId";
      default -> throw new IllegalStateException("no grant on " + type + " is expected");
    };
  }

  private static String camel(String upper) {
    return upper.charAt(0) + upper.substring(1).toLowerCase(Locale.ROOT);
  }
}
