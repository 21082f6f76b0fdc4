package io.partitrain.shared.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.shared.kafka.TopicReplication.Replication;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 28, item 1: the services refuse topics that one broker's restart would stop, naming the
 * topic, its figures and the settings that change them.
 */
class TopicReplicationTest {

  @Test
  void oneReplicaIsRefusedNamingTheTopicAndTheSettings() {
    List<String> problems =
        TopicReplication.problems(List.of(new Replication("partitrain.runs", 1, 1)));
    assertThat(problems).hasSize(1);
    assertThat(problems.get(0))
        .startsWith("topic partitrain.runs has 1 replica")
        .contains("PARTITRAIN_REPLICATION_FACTOR=3", "PARTITRAIN_KAFKA_MODE=single-broker");
  }

  @Test
  void minInSyncEqualToTheReplicasIsRefusedBecauseNoBrokerMayRestart() {
    List<String> problems =
        TopicReplication.problems(List.of(new Replication("partitrain.work", 2, 2)));
    assertThat(problems)
        .singleElement()
        .asString()
        .startsWith("topic partitrain.work has min.insync.replicas 2 with 2 replicas");
  }

  @Test
  void threeReplicasWithMinInSyncTwoPassAndSoDoesAnUnreadableConfiguration() {
    assertThat(
            TopicReplication.problems(
                List.of(
                    new Replication("partitrain.runs", 3, 2),
                    new Replication("partitrain.status", 3, null),
                    new Replication("partitrain.state", 3, 1))))
        .isEmpty();
  }
}
