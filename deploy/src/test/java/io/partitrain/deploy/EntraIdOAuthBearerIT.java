package io.partitrain.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partitrain.shared.contracts.Topics;
import io.partitrain.shared.kafka.KafkaAcls.Role;
import io.partitrain.shared.kafka.KafkaClientConfig;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.testkit.SecureKafka;
import io.partitrain.testkit.TestEntraId;
import io.partitrain.testkit.TestKafka;
import io.partitrain.testkit.TopicRecords;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code EntraIdLoginCallbackHandler} end to end: the client gets its token from a TokenCredential
 * (here a test one standing in for DefaultAzureCredential), the broker validates it with Kafka's
 * own {@code OAuthBearerValidatorCallbackHandler} against a JWKS endpoint the test serves, and the
 * token's subject is the principal the ACLs apply to.
 */
@Timeout(180)
class EntraIdOAuthBearerIT {

  /** What Entra ID puts in {@code aud} for a token of scope https://HOST/.default. */
  static final String AUDIENCE = "https://127.0.0.1";

  private static TestEntraId entra;
  private static SecureKafka kafka;

  @BeforeAll
  static void start() {
    entra = TestEntraId.start();
    kafka = SecureKafka.startWithOAuth(entra.jwksUrl(), AUDIENCE);
  }

  @AfterAll
  static void stop() {
    if (kafka != null) {
      kafka.close();
    }
    if (entra != null) {
      entra.close();
    }
  }

  private static KafkaSettings oauthClient(Topics topics) {
    return KafkaClientConfig.build(
        kafka.oauthPropertiesFile(TestEntraId.Credential.class.getName()),
        Map.of(),
        kafka.bootstrapServers(),
        topics,
        "");
  }

  private static KafkaProducer<String, byte[]> producer(KafkaSettings s) {
    Map<String, Object> props = new HashMap<>(s.producer("oauth-client", null));
    props.put("max.block.ms", 15_000);
    props.put("delivery.timeout.ms", 20_000);
    props.put("request.timeout.ms", 10_000);
    return new KafkaProducer<>(props);
  }

  @Test
  void aWorkloadIdentityTokenAuthenticatesAsItsSubjectWithThatRolesGrantsOnly() throws Exception {
    Topics topics = new Topics(TestKafka.uniqueName("oauth"));
    kafka.prepare(topics);
    entra.issueTokensFor(Role.WORKER.defaultUser(), AUDIENCE);
    KafkaSettings worker = oauthClient(topics);

    try (KafkaProducer<String, byte[]> p = producer(worker)) {
      p.send(new ProducerRecord<>(topics.status(), "k", "hello".getBytes(StandardCharsets.UTF_8)))
          .get(30, TimeUnit.SECONDS);
      assertThatThrownBy(
              () ->
                  p.send(new ProducerRecord<>(topics.commands(), "k", new byte[] {1}))
                      .get(30, TimeUnit.SECONDS))
          .hasCauseInstanceOf(TopicAuthorizationException.class);
    }

    assertThat(entra.requestedScopes())
        .as("scope derived from the bootstrap server, as for NAMESPACE.servicebus.windows.net")
        .isNotEmpty()
        .allMatch(s -> s.equals("https://127.0.0.1/.default"));
    List<String> status =
        TopicRecords.readAll(kafka.settings(SecureKafka.ADMIN, topics), topics.status()).stream()
            .map(r -> new String(r.value(), StandardCharsets.UTF_8))
            .toList();
    assertThat(status).containsExactly("hello");
  }

  @Test
  void aTokenSignedByAnotherKeyIsRefused() {
    Topics topics = new Topics(TestKafka.uniqueName("oauth-forged"));
    kafka.prepare(topics);
    entra.issueTokensFor(Role.WORKER.defaultUser(), AUDIENCE);
    entra.forgeTokens();
    try (KafkaProducer<String, byte[]> p = producer(oauthClient(topics))) {
      assertThatThrownBy(
              () ->
                  p.send(new ProducerRecord<>(topics.status(), "k", new byte[] {1}))
                      .get(30, TimeUnit.SECONDS))
          .isInstanceOfAny(ExecutionException.class, SaslAuthenticationException.class)
          .satisfies(
              e ->
                  assertThat(e instanceof SaslAuthenticationException ? e : e.getCause())
                      .isInstanceOf(SaslAuthenticationException.class));
    } finally {
      entra.issueTokensFor(Role.WORKER.defaultUser(), AUDIENCE);
    }
  }
}
