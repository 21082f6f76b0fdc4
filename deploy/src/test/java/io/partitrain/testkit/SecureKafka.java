package io.partitrain.testkit;

import io.partitrain.deploy.broker.EmbeddedKafkaBroker;
import io.partitrain.shared.contracts.Topics;
import io.partitrain.shared.kafka.KafkaAcls;
import io.partitrain.shared.kafka.KafkaAcls.Role;
import io.partitrain.shared.kafka.KafkaClientConfig;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.kafka.TopicAdmin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.utils.Utils;
import org.awaitility.Awaitility;

/**
 * An embedded KRaft broker that only speaks SASL_SSL (PLAIN over TLS with a certificate made by
 * keytool at start, trusted by these clients only) and authorizes every request with Kafka's {@code
 * StandardAuthorizer}, denying whatever no ACL allows. One user per {@link Role}, an {@code admin}
 * super user that creates the topics and grants {@link KafkaAcls}, and an {@code intruder} with a
 * valid login and no grant.
 *
 * <p>Clients get their settings the way a deployment does: a Kafka client properties file per
 * principal, read by {@link KafkaClientConfig}.
 */
public final class SecureKafka implements AutoCloseable {

  public static final String ADMIN = "admin";
  public static final String INTRUDER = "intruder";

  private static final String STORE_PASSWORD = "test-store-" + random();

  private final Path dir;
  private final EmbeddedKafkaBroker broker;
  private final Map<String, String> passwords;

  private SecureKafka(Path dir, EmbeddedKafkaBroker broker, Map<String, String> passwords) {
    this.dir = dir;
    this.broker = broker;
    this.passwords = passwords;
  }

  public static SecureKafka start() {
    return start(null, null);
  }

  /**
   * As {@link #start()}, and also accepts SASL/OAUTHBEARER tokens, validated by Kafka's {@code
   * OAuthBearerValidatorCallbackHandler} against the keys at {@code jwksUrl} and the audience; the
   * token's {@code sub} is the principal.
   */
  public static SecureKafka startWithOAuth(String jwksUrl, String audience) {
    // Kafka 4 fetches JWKS only from URLs an operator allowed, by JVM system property.
    System.setProperty("org.apache.kafka.sasl.oauthbearer.allowed.urls", jwksUrl);
    return start(jwksUrl, audience);
  }

  private static SecureKafka start(String jwksUrl, String audience) {
    try {
      Path dir = Files.createTempDirectory("partitrain-secure-kafka-");
      makeCertificates(dir);
      Map<String, String> passwords = new LinkedHashMap<>();
      passwords.put(ADMIN, random());
      for (Role r : Role.values()) {
        passwords.put(r.defaultUser(), random());
      }
      passwords.put(INTRUDER, random());
      StringBuilder jaas =
          new StringBuilder(
              "org.apache.kafka.common.security.plain.PlainLoginModule required"
                  + " username=\"admin\" password=\""
                  + passwords.get(ADMIN)
                  + "\"");
      passwords.forEach(
          (u, p) -> jaas.append(" user_").append(u).append("=\"").append(p).append('"'));
      jaas.append(';');
      String listener = "listener.name.sasl_ssl.";
      EmbeddedKafkaBroker.Builder builder = EmbeddedKafkaBroker.custom();
      if (jwksUrl != null) {
        String oauth = listener + "oauthbearer.";
        builder
            .brokerProperty("sasl.enabled.mechanisms", "PLAIN,OAUTHBEARER")
            .brokerProperty(
                oauth + "sasl.jaas.config",
                "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;")
            .brokerProperty(
                oauth + "sasl.server.callback.handler.class",
                "org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler")
            .brokerProperty("sasl.oauthbearer.jwks.endpoint.url", jwksUrl)
            .brokerProperty("sasl.oauthbearer.expected.audience", audience)
            // Kafka 4.1's default validator (DefaultJwtValidator) built by this handler checks
            // claims but no signature (it falls back to ClientJwtValidator even with a JWKS URL);
            // the forged-token test caught it. BrokerJwtValidator verifies against the JWKS.
            .brokerProperty(
                "sasl.oauthbearer.jwt.validator.class",
                "org.apache.kafka.common.security.oauthbearer.BrokerJwtValidator");
      } else {
        builder.brokerProperty("sasl.enabled.mechanisms", "PLAIN");
      }
      EmbeddedKafkaBroker broker =
          builder
              .clientListener(SecurityProtocol.SASL_SSL, adminClient(dir, passwords))
              .brokerProperty("sasl.mechanism.inter.broker.protocol", "PLAIN")
              .brokerProperty(listener + "plain.sasl.jaas.config", jaas.toString())
              .brokerProperty(listener + "ssl.keystore.location", dir.resolve("broker.p12"))
              .brokerProperty(listener + "ssl.keystore.type", "PKCS12")
              .brokerProperty(listener + "ssl.keystore.password", STORE_PASSWORD)
              .brokerProperty(listener + "ssl.key.password", STORE_PASSWORD)
              // The broker is a client of itself (transaction markers): it trusts its own cert.
              .brokerProperty(listener + "ssl.truststore.location", dir.resolve("truststore.p12"))
              .brokerProperty(listener + "ssl.truststore.type", "PKCS12")
              .brokerProperty(listener + "ssl.truststore.password", STORE_PASSWORD)
              .brokerProperty(
                  "authorizer.class.name",
                  "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
              .brokerProperty("allow.everyone.if.no.acl.found", "false")
              // The broker's own requests: transaction markers over the SASL_SSL listener as
              // admin, registration with the controller over the loopback PLAINTEXT listener.
              .brokerProperty("super.users", "User:admin;User:ANONYMOUS")
              .start();
      return new SecureKafka(dir, broker, passwords);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  /** The secret of a user (for the test that looks for it where it must not be). */
  public String password(String user) {
    return passwords.get(user);
  }

  /** Creates the installation's topics and grants every role exactly {@link KafkaAcls}. */
  public void prepare(Topics topics) {
    KafkaSettings admin = settings(ADMIN, topics);
    TopicAdmin.ensureTopics(admin, (short) 1);
    List<AclBinding> bindings = new ArrayList<>();
    for (KafkaAcls.Grant g : KafkaAcls.grants(topics)) {
      bindings.add(g.binding("User:" + g.role().defaultUser()));
    }
    try (Admin a = Admin.create(admin.common("acl-admin"))) {
      a.createAcls(bindings).all().get(30, TimeUnit.SECONDS);
      // The broker's authorizer applies them when it replays the metadata log: wait until it
      // answers with all of them, so a test never races its own grants.
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> a.describeAcls(AclBindingFilter.ANY).values().get().containsAll(bindings));
    } catch (Exception e) {
      throw new IllegalStateException("cannot create the ACLs", e);
    }
  }

  /** Settings for a role's principal, read from the properties file a deployment would mount. */
  public KafkaSettings settings(Role role, Topics topics) {
    return settings(role.defaultUser(), topics);
  }

  /** Settings for a user, read from a properties file through {@link KafkaClientConfig}. */
  public KafkaSettings settings(String user, Topics topics) {
    return KafkaClientConfig.build(
        propertiesFile(user, passwords.get(user)), Map.of(), bootstrapServers(), topics, "");
  }

  /**
   * A client properties file for SASL/OAUTHBEARER with {@code EntraIdLoginCallbackHandler} getting
   * its tokens from {@code credentialClass} instead of DefaultAzureCredential.
   */
  public Path oauthPropertiesFile(String credentialClass) {
    Path file = dir.resolve("oauth.properties");
    Map<String, String> p = clientProperties(dir, "unused", "unused");
    p.put("sasl.mechanism", "OAUTHBEARER");
    p.put(
        "sasl.jaas.config",
        "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required"
            + " tokenCredentialClass=\""
            + credentialClass
            + "\";");
    p.put(
        "sasl.login.callback.handler.class",
        "io.partitrain.shared.kafka.EntraIdLoginCallbackHandler");
    StringBuilder s = new StringBuilder();
    p.forEach((k, v) -> s.append(k).append('=').append(escape(v)).append('\n'));
    try {
      Files.writeString(file, s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** A client properties file for {@code user} with this password (right or wrong). */
  public Path propertiesFile(String user, String password) {
    Path file = dir.resolve(user + "-" + Integer.toHexString(password.hashCode()) + ".properties");
    StringBuilder s = new StringBuilder();
    clientProperties(dir, user, password)
        .forEach((k, v) -> s.append(k).append('=').append(escape(v)).append('\n'));
    try {
      Files.writeString(file, s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  @Override
  public void close() {
    try {
      broker.close();
    } finally {
      try {
        Utils.delete(dir.toFile());
      } catch (IOException e) {
        // a temp dir left behind is not worth failing a test for
      }
    }
  }

  private static Map<String, Object> adminClient(Path dir, Map<String, String> passwords) {
    return new LinkedHashMap<>(clientProperties(dir, ADMIN, passwords.get(ADMIN)));
  }

  private static Map<String, String> clientProperties(Path dir, String user, String password) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("security.protocol", "SASL_SSL");
    p.put("sasl.mechanism", "PLAIN");
    p.put(
        "sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
            + user
            + "\" password=\""
            + password
            + "\";");
    p.put("ssl.truststore.location", dir.resolve("truststore.p12").toString());
    p.put("ssl.truststore.type", "PKCS12");
    p.put("ssl.truststore.password", STORE_PASSWORD);
    return p;
  }

  private static String escape(String v) {
    return v.replace("\\", "\\\\");
  }

  /** A broker key pair for 127.0.0.1 and a trust store holding only its certificate. */
  private static void makeCertificates(Path dir) {
    Path broker = dir.resolve("broker.p12");
    Path cert = dir.resolve("broker.crt");
    keytool(
        "-genkeypair",
        "-alias",
        "broker",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-validity",
        "1",
        "-dname",
        "CN=localhost",
        "-ext",
        "SAN=dns:localhost,ip:127.0.0.1",
        "-storetype",
        "PKCS12",
        "-keystore",
        broker.toString(),
        "-storepass",
        STORE_PASSWORD,
        "-keypass",
        STORE_PASSWORD);
    keytool(
        "-exportcert",
        "-alias",
        "broker",
        "-keystore",
        broker.toString(),
        "-storepass",
        STORE_PASSWORD,
        "-rfc",
        "-file",
        cert.toString());
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "broker",
        "-file",
        cert.toString(),
        "-storetype",
        "PKCS12",
        "-keystore",
        dir.resolve("truststore.p12").toString(),
        "-storepass",
        STORE_PASSWORD);
  }

  private static void keytool(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("keytool " + args[0] + " failed: " + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String random() {
    byte[] b = new byte[12];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
