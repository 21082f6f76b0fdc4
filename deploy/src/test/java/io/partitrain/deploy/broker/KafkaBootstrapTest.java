package io.partitrain.deploy.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partitrain.shared.config.ServiceSettings;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class KafkaBootstrapTest {

  private static final Supplier<EmbeddedKafkaBroker> MUST_NOT_START =
      () -> {
        throw new AssertionError("the embedded broker must not start when the variable is set");
      };

  @Test
  void usesTheExternalClusterWhenTheVariableIsSetAndStartsNothing() {
    Map<String, String> env =
        Map.of(ServiceSettings.KAFKA_BOOTSTRAP_SERVERS.key(), " ns.servicebus.windows.net:9093 ");

    try (KafkaBootstrap kafka = KafkaBootstrap.resolve(env, MUST_NOT_START)) {
      assertThat(kafka.bootstrapServers()).isEqualTo("ns.servicebus.windows.net:9093");
      assertThat(kafka.isEmbedded()).isFalse();
      assertThat(kafka.embeddedBroker()).isEmpty();
      assertThat(kafka.description())
          .isEqualTo(
              "external cluster at ns.servicebus.windows.net:9093 (from KAFKA_BOOTSTRAP_SERVERS)");
    }
  }

  @Test
  void acceptsSeveralBrokersAndIpv6Literals() {
    Map<String, String> env =
        Map.of(ServiceSettings.KAFKA_BOOTSTRAP_SERVERS.key(), "b1:9092, b2:9092,[::1]:9092");

    assertThat(KafkaBootstrap.resolve(env, MUST_NOT_START).bootstrapServers())
        .isEqualTo("b1:9092, b2:9092,[::1]:9092");
  }

  @Test
  void treatsABlankVariableAsUnset() {
    Map<String, String> env = Map.of(ServiceSettings.KAFKA_BOOTSTRAP_SERVERS.key(), "  ");

    assertThatThrownBy(() -> KafkaBootstrap.resolve(env, MUST_NOT_START))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("must not start");
  }

  @Test
  void rejectsAMalformedVariableNamingItAndTheBadEntry() {
    Map<String, String> env = Map.of(ServiceSettings.KAFKA_BOOTSTRAP_SERVERS.key(), "b1:9092,b2");

    assertThatThrownBy(() -> KafkaBootstrap.resolve(env, MUST_NOT_START))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS")
        .hasMessageContaining("'b2'");
  }

  @Test
  void rejectsAPortOutOfRange() {
    assertThatThrownBy(() -> KafkaBootstrap.external("b1:70000"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'b1:70000'");
  }
}
