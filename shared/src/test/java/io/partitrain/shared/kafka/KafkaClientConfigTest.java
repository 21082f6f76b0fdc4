package io.partitrain.shared.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partitrain.shared.PartitrainException;
import io.partitrain.shared.config.Env;
import io.partitrain.shared.contracts.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientConfigTest {

  private static final String SECRET = "s3cr3t-Pa55-7f1c";

  @TempDir Path dir;

  private Path secureFile() throws Exception {
    Path file = dir.resolve("kafka.properties");
    Files.writeString(
        file,
        """
        bootstrap.servers=from-file:9093
        security.protocol=SASL_SSL
        sasl.mechanism=SCRAM-SHA-512
        sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\
          username="worker" password="%s";
        ssl.truststore.location=/etc/partitrain/ca.p12
        ssl.truststore.password=%s
        request.timeout.ms=20000
        """
            .formatted(SECRET, SECRET));
    return file;
  }

  @Test
  void everyClientKindGetsTheFileSettingsPlusPartitrainsOwn() throws Exception {
    KafkaSettings s =
        KafkaClientConfig.fromEnvironment(
            new Env(Map.of(KafkaClientConfig.CONFIG_FILE_ENV, secureFile().toString())));

    assertThat(s.bootstrapServers()).isEqualTo("from-file:9093");
    for (Map<String, Object> client :
        java.util.List.of(s.producer("p", "tx"), s.consumer("c", "g"), s.common("admin"))) {
      assertThat(client)
          .containsEntry("security.protocol", "SASL_SSL")
          .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
          .containsEntry("ssl.truststore.location", "/etc/partitrain/ca.p12")
          .containsEntry("request.timeout.ms", "20000")
          .containsEntry("bootstrap.servers", "from-file:9093");
      assertThat((String) client.get("sasl.jaas.config")).contains("username=\"worker\"");
    }
    assertThat(s.producer("p", "tx")).containsEntry("acks", "all");
    assertThat(s.consumer("c", "g")).containsEntry("isolation.level", "read_committed");
  }

  @Test
  void consumersWaitATenthOfASecondAtMostForAFetchUnlessTheInstallationSaysOtherwise()
      throws Exception {
    // Kafka's default (500 ms) delayed every read of a committed transaction by up to half a
    // second: a commit marker does not end a read_committed fetch's wait at the broker.
    KafkaSettings defaults = KafkaSettings.of("localhost:9092");
    assertThat(
            new ConsumerConfig(defaults.consumer("c", "g"))
                .getInt(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG))
        .isEqualTo(KafkaSettings.FETCH_MAX_WAIT_MS)
        .isLessThanOrEqualTo(100);

    KafkaSettings tuned =
        KafkaClientConfig.fromEnvironment(
            new Env(
                Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS",
                    "localhost:9092",
                    "PARTITRAIN_KAFKA_FETCH_MAX_WAIT_MS",
                    "400")));
    assertThat(
            new ConsumerConfig(tuned.consumer("c", "g"))
                .getInt(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG))
        .isEqualTo(400);
  }

  @Test
  void environmentOverridesBeatTheFileAndTheBootstrapVariableBeatsBoth() throws Exception {
    KafkaSettings s =
        KafkaClientConfig.fromEnvironment(
            new Env(
                Map.of(
                    KafkaClientConfig.CONFIG_FILE_ENV,
                    secureFile().toString(),
                    "PARTITRAIN_KAFKA_SASL_MECHANISM",
                    "PLAIN",
                    "PARTITRAIN_KAFKA_BOOTSTRAP_SERVERS",
                    "from-override:9093",
                    "KAFKA_BOOTSTRAP_SERVERS",
                    "from-env:9093",
                    "PARTITRAIN_TOPIC_PREFIX",
                    "team-a")));

    assertThat(s.extra()).containsEntry("sasl.mechanism", "PLAIN");
    assertThat(s.bootstrapServers()).isEqualTo("from-env:9093");
    assertThat(s.topics()).isEqualTo(new Topics("team-a"));
  }

  @Test
  void secretsAreNeitherInToStringNorInWhatKafkaLogsForItsClientConfig() throws Exception {
    KafkaSettings s =
        KafkaClientConfig.fromEnvironment(
            new Env(Map.of(KafkaClientConfig.CONFIG_FILE_ENV, secureFile().toString())));

    assertThat(s.toString())
        .doesNotContain(SECRET)
        .contains("sasl.jaas.config=" + KafkaClientConfig.REDACTED)
        .contains("ssl.truststore.password=" + KafkaClientConfig.REDACTED)
        .contains("security.protocol=SASL_SSL");
    // What a client prints at start-up ("ProducerConfig values: ...") is built from these values.
    assertThat(new ProducerConfig(s.producer("p", null)).values().toString())
        .doesNotContain(SECRET);
    assertThat(new ConsumerConfig(s.consumer("c", "g")).values().toString()).doesNotContain(SECRET);
    assertThat(new AdminClientConfig(s.common("a")).values().toString()).doesNotContain(SECRET);
  }

  @Test
  void aSettingPartitrainDependsOnIsRefusedNamingTheKeyButNotTheValue() throws Exception {
    Path file = dir.resolve("bad.properties");
    Files.writeString(file, "bootstrap.servers=x:1\nacks=1\nenable.auto.commit=true\n");

    assertThatThrownBy(
            () ->
                KafkaClientConfig.build(
                    file, Map.of(), null, Topics.defaults(), "set KAFKA_BOOTSTRAP_SERVERS"))
        .isInstanceOf(PartitrainException.class)
        .hasMessageContaining("'acks'")
        .hasMessageContaining(file.toString())
        .hasMessageContaining("remove it");
  }

  @Test
  void anUnreadableFileIsNamedWithoutQuotingItsContent() throws Exception {
    Path file = dir.resolve("broken.properties");
    Files.writeString(file, "sasl.jaas.config=" + SECRET + "\\uZZZZ\n");

    assertThatThrownBy(
            () ->
                KafkaClientConfig.fromEnvironment(
                    new Env(Map.of(KafkaClientConfig.CONFIG_FILE_ENV, file.toString()))))
        .isInstanceOf(PartitrainException.class)
        .hasMessageContaining(file.toString())
        .message()
        .doesNotContain(SECRET);
    assertThatThrownBy(
            () ->
                KafkaClientConfig.fromEnvironment(
                    new Env(
                        Map.of(KafkaClientConfig.CONFIG_FILE_ENV, "/no/such/kafka.properties"))))
        .hasMessageContaining("/no/such/kafka.properties does not exist");
  }

  @Test
  void withoutBootstrapServersAnywhereTheErrorSaysWhereToSetThem() {
    assertThatThrownBy(() -> KafkaClientConfig.fromEnvironment(new Env(Map.of())))
        .isInstanceOf(PartitrainException.class)
        .hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS")
        .hasMessageContaining(KafkaClientConfig.CONFIG_FILE_ENV);
  }

  @Test
  void secretKeysAreRecognisedFromKafkasOwnPasswordTypesAndByName() {
    assertThat(KafkaClientConfig.isSecret("ssl.key.password")).isTrue();
    assertThat(KafkaClientConfig.isSecret("sasl.jaas.config")).isTrue();
    assertThat(KafkaClientConfig.isSecret("sasl.oauthbearer.client.credentials.client.secret"))
        .isTrue();
    assertThat(KafkaClientConfig.isSecret("ssl.keystore.key")).isTrue();
    assertThat(KafkaClientConfig.isSecret("security.protocol")).isFalse();
    assertThat(KafkaClientConfig.isSecret("sasl.mechanism")).isFalse();
  }
}
