package io.partitrain.shared.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partitrain.shared.PartitrainException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class TransactionProbeTest {

  static final KafkaSettings EVENT_HUBS = KafkaSettings.of("contoso.servicebus.windows.net:9093");

  private final List<Map<String, Object>> created = new ArrayList<>();

  private MockProducer<String, byte[]> failingWith(RuntimeException e) {
    MockProducer<String, byte[]> p =
        new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
    p.initTransactionException = e;
    return p;
  }

  @Test
  void aNamespaceWithoutTransactionsIsRefusedNamingTheTier() {
    assertThatThrownBy(
            () ->
                TransactionProbe.requireTransactions(
                    EVENT_HUBS,
                    Duration.ofSeconds(5),
                    props ->
                        failingWith(
                            new UnsupportedVersionException(
                                "The broker does not support INIT_PRODUCER_ID"))))
        .isInstanceOf(PartitrainException.class)
        .hasMessageContaining("contoso.servicebus.windows.net:9093")
        .hasMessageContaining("Premium or Dedicated")
        .hasMessageContaining("Basic and Standard");
  }

  @Test
  void aMissingGrantIsNamedAsSuch() {
    assertThatThrownBy(
            () ->
                TransactionProbe.requireTransactions(
                    EVENT_HUBS,
                    Duration.ofSeconds(5),
                    props ->
                        failingWith(new TransactionalIdAuthorizationException("not authorized"))))
        .hasMessageContaining("partitrain-orchestrator-probe")
        .hasMessageContaining("partitrain-acls.sh");
  }

  @Test
  void theProbeUsesItsOwnTransactionalIdSoItNeverFencesTheLeader() {
    assertThatCode(
            () ->
                TransactionProbe.requireTransactions(
                    EVENT_HUBS,
                    Duration.ofSeconds(5),
                    props -> {
                      created.add(props);
                      return new MockProducer<>(
                          true, null, new StringSerializer(), new ByteArraySerializer());
                    }))
        .doesNotThrowAnyException();
    assertThat(created)
        .singleElement()
        .satisfies(
            p ->
                assertThat(p.get("transactional.id"))
                    .isEqualTo("partitrain-orchestrator-probe")
                    .isNotEqualTo(KafkaAcls.orchestratorGroup(EVENT_HUBS.topics())));
  }

  @Test
  void anyOtherKafkaErrorStillExplainsWhatTheOrchestratorNeeds() {
    assertThatThrownBy(
            () ->
                TransactionProbe.requireTransactions(
                    EVENT_HUBS,
                    Duration.ofSeconds(5),
                    props -> failingWith(new KafkaException("InitProducerId failed"))))
        .hasMessageContaining("commits every decision");
  }
}
