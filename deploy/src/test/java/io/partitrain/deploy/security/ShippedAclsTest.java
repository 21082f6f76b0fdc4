package io.partitrain.deploy.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.orchestrator.OrchestratorConfig;
import io.partitrain.shared.contracts.Topics;
import io.partitrain.shared.kafka.KafkaAcls;
import io.partitrain.shared.kafka.KafkaAcls.Role;
import io.partitrain.worker.WorkerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

/**
 * The grants shipped for real clusters are the ones the integration test proves: both files are
 * generated from {@link KafkaAcls} and must not drift. To regenerate after changing the grants: run
 * this test with {@code -Dpartitrain.regenerate=true}.
 */
class ShippedAclsTest {

  static final Path SCRIPT = Path.of("kafka", "partitrain-acls.sh");
  static final Path STRIMZI = Path.of("kubernetes", "strimzi", "kafka-users.yaml");
  static final String STRIMZI_CLUSTER = "partitrain-kafka";

  @Test
  void theKafkaAclsScriptIsGeneratedFromTheSourceOfTruth() throws Exception {
    assertShipped(SCRIPT, KafkaAcls.kafkaAclsScript());
    assertThat(Files.isExecutable(SCRIPT)).as(SCRIPT + " is executable").isTrue();
  }

  @Test
  void theStrimziKafkaUsersAreGeneratedFromTheSourceOfTruth() throws Exception {
    assertShipped(STRIMZI, KafkaAcls.strimziKafkaUsers(STRIMZI_CLUSTER));
  }

  @Test
  void groupAndTransactionalIdsAreTheOnesTheServicesUse() {
    Topics t = new Topics("acme");
    OrchestratorConfig o = OrchestratorConfig.forInstallation("o-1", t.prefix());
    assertThat(o.groupId()).isEqualTo(KafkaAcls.orchestratorGroup(t));
    assertThat(o.transactionalId()).isEqualTo(KafkaAcls.orchestratorGroup(t));
    assertThat(WorkerConfig.forInstallation("w-1", t.prefix()).groupId())
        .isEqualTo(KafkaAcls.workerGroup(t));
  }

  @Test
  void aWorkerMayReadOnlyWorkAndWriteOnlyStatusAndDeadLetters() {
    Topics t = Topics.defaults();
    assertThat(KafkaAcls.grants(t, Role.WORKER))
        .extracting(g -> g.type() + " " + g.name() + " " + g.operation())
        .containsExactlyInAnyOrder(
            "TOPIC partitrain.work READ",
            "TOPIC partitrain.status WRITE",
            "TOPIC partitrain.dlq WRITE",
            "GROUP partitrain-workers READ");
    assertThat(KafkaAcls.grants(t))
        .as("no role may create, delete, alter or act on the cluster")
        .allSatisfy(
            g -> {
              assertThat(g.operation()).isIn(AclOperation.READ, AclOperation.WRITE);
              assertThat(g.type())
                  .isIn(ResourceType.TOPIC, ResourceType.GROUP, ResourceType.TRANSACTIONAL_ID);
            });
  }

  private static void assertShipped(Path file, String generated) throws Exception {
    if (Boolean.getBoolean("partitrain.regenerate")) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, generated);
      file.toFile().setExecutable(file.toString().endsWith(".sh"));
    }
    assertThat(file).exists();
    assertThat(Files.readString(file))
        .as(
            file
                + " differs from what KafkaAcls generates; rerun with -Dpartitrain.regenerate=true")
        .isEqualTo(generated);
  }
}
