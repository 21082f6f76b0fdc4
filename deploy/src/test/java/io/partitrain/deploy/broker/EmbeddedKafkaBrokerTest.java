package io.partitrain.deploy.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Option checks that need no running broker. */
class EmbeddedKafkaBrokerTest {

  @Test
  void rejectsPropertiesItSetsItselfNamingTheKey() {
    for (String key : EmbeddedKafkaBroker.RESERVED_PROPERTIES) {
      assertThatThrownBy(() -> EmbeddedKafkaBroker.custom().brokerProperty(key, "x"))
          .isInstanceOf(EmbeddedKafkaBrokerException.class)
          .hasMessageContaining("'" + key + "'");
    }
  }

  @Test
  void rejectsANonPositiveStartupTimeout() {
    assertThatThrownBy(() -> EmbeddedKafkaBroker.custom().startupTimeout(Duration.ZERO))
        .isInstanceOf(EmbeddedKafkaBrokerException.class)
        .hasMessageContaining("startupTimeout=PT0S")
        .hasMessageContaining("must be greater than 0");
  }

  @Test
  void acceptsOrdinaryBrokerProperties() {
    assertThat(
            EmbeddedKafkaBroker.custom()
                .brokerProperties(Map.of("num.partitions", 6, "auto.create.topics.enable", true)))
        .isNotNull();
  }

  @Test
  void defaultsMakeTransactionsAndGroupsWorkOnOneNode() {
    assertThat(EmbeddedKafkaBroker.DEFAULT_BROKER_PROPERTIES)
        .containsEntry("offsets.topic.replication.factor", "1")
        .containsEntry("transaction.state.log.replication.factor", "1")
        .containsEntry("transaction.state.log.min.isr", "1")
        .containsEntry("group.initial.rebalance.delay.ms", "0");
  }
}
