package io.partitrain.shared.kafka;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.security.auth.AuthenticateCallbackHandler;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerToken;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerTokenCallback;

/**
 * Kafka SASL/OAUTHBEARER login with Entra ID tokens, for Azure Event Hubs without connection
 * strings: on AKS the pod's workload identity (or any other source {@code DefaultAzureCredential}
 * tries: environment, managed identity, Azure CLI) gets a token for {@code
 * https://NAMESPACE.servicebus.windows.net/.default}. Client settings:
 *
 * <pre>
 * bootstrap.servers=NAMESPACE.servicebus.windows.net:9093
 * security.protocol=SASL_SSL
 * sasl.mechanism=OAUTHBEARER
 * sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;
 * sasl.login.callback.handler.class=io.partitrain.shared.kafka.EntraIdLoginCallbackHandler
 * </pre>
 *
 * <p>JAAS options (all optional): {@value #SCOPE_OPTION} overrides the scope derived from the first
 * bootstrap server's host; {@value #CREDENTIAL_OPTION} names a {@link TokenCredential} class with a
 * no-argument constructor to use instead of {@code DefaultAzureCredential} (tests; a custom
 * credential chain). Kafka refreshes the token before it expires (at 80% of its lifetime by
 * default, {@code sasl.login.refresh.*}). Tokens are never logged.
 */
public class EntraIdLoginCallbackHandler implements AuthenticateCallbackHandler {

  /** JAAS option: the token scope, default {@code https://HOST/.default}. */
  public static final String SCOPE_OPTION = "scope";

  /** JAAS option: a {@link TokenCredential} class to use instead of DefaultAzureCredential. */
  public static final String CREDENTIAL_OPTION = "tokenCredentialClass";

  private static final ObjectMapper JSON = new ObjectMapper();

  private TokenCredential credential;
  private String scope;

  @Override
  public void configure(
      Map<String, ?> configs, String saslMechanism, List<AppConfigurationEntry> jaasConfigEntries) {
    if (!OAuthBearerLoginModule.OAUTHBEARER_MECHANISM.equals(saslMechanism)) {
      throw new IllegalArgumentException(
          "sasl.mechanism must be OAUTHBEARER for "
              + getClass().getSimpleName()
              + ", but was "
              + saslMechanism);
    }
    Map<String, ?> options =
        jaasConfigEntries.isEmpty() ? Map.of() : jaasConfigEntries.get(0).getOptions();
    Object explicitScope = options.get(SCOPE_OPTION);
    scope =
        explicitScope != null
            ? explicitScope.toString()
            : scopeFor(configs.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
    Object credentialClass = options.get(CREDENTIAL_OPTION);
    credential =
        credentialClass == null
            ? new DefaultAzureCredentialBuilder().build()
            : instantiate(credentialClass.toString());
  }

  /** {@code https://NAMESPACE.servicebus.windows.net/.default} from the first bootstrap server. */
  static String scopeFor(Object bootstrapServers) {
    String first;
    if (bootstrapServers instanceof List<?> list && !list.isEmpty()) {
      first = String.valueOf(list.get(0));
    } else if (bootstrapServers != null) {
      first = bootstrapServers.toString().split(",")[0];
    } else {
      throw new IllegalArgumentException(
          "bootstrap.servers is not set: cannot derive the Entra ID token scope; set the JAAS option "
              + SCOPE_OPTION);
    }
    String host = first.strip();
    int colon = host.lastIndexOf(':');
    if (colon > 0) {
      host = host.substring(0, colon);
    }
    return "https://" + host + "/.default";
  }

  private static TokenCredential instantiate(String className) {
    try {
      return (TokenCredential)
          Class.forName(className, true, Thread.currentThread().getContextClassLoader())
              .getDeclaredConstructor()
              .newInstance();
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalArgumentException(
          CREDENTIAL_OPTION
              + "='"
              + className
              + "' must name a TokenCredential class with a public no-argument constructor",
          e);
    }
  }

  @Override
  public void handle(Callback[] callbacks) throws IOException, UnsupportedCallbackException {
    for (Callback c : callbacks) {
      if (c instanceof OAuthBearerTokenCallback tokenCallback) {
        tokenCallback.token(token());
      } else {
        throw new UnsupportedCallbackException(c);
      }
    }
  }

  private OAuthBearerToken token() {
    AccessToken t;
    try {
      t = credential.getTokenSync(new TokenRequestContext().addScopes(scope));
    } catch (RuntimeException e) {
      // The message of an identity error says which sources were tried; it carries no token.
      throw new KafkaException(
          "cannot get an Entra ID token for " + scope + ": " + e.getMessage(), e);
    }
    String value = t.getToken();
    long expiresMs = t.getExpiresAt().toInstant().toEpochMilli();
    JsonNode claims = claims(value);
    String principal = first(claims, "oid", "sub", "appid").orElse("unknown-entra-principal");
    Long issuedMs = claims.has("iat") ? claims.get("iat").asLong() * 1000 : null;
    return new OAuthBearerToken() {
      @Override
      public String value() {
        return value;
      }

      @Override
      public Set<String> scope() {
        return Set.of(scope);
      }

      @Override
      public long lifetimeMs() {
        return expiresMs;
      }

      @Override
      public String principalName() {
        return principal;
      }

      @Override
      public Long startTimeMs() {
        return issuedMs;
      }

      @Override
      public String toString() {
        return "EntraIdToken[principal=" + principal + ", expires=" + expiresMs + "]";
      }
    };
  }

  /** The token's payload claims (not verified here: the broker verifies the token). */
  private static JsonNode claims(String jwt) {
    String[] parts = jwt.split("\\.");
    if (parts.length < 2) {
      return JSON.createObjectNode();
    }
    try {
      return JSON.readTree(
          new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    } catch (IOException | IllegalArgumentException e) {
      return JSON.createObjectNode();
    }
  }

  private static java.util.Optional<String> first(JsonNode claims, String... names) {
    for (String n : names) {
      if (claims.hasNonNull(n)) {
        return java.util.Optional.of(claims.get(n).asText());
      }
    }
    return java.util.Optional.empty();
  }

  @Override
  public void close() {
    // DefaultAzureCredential holds no resources that need closing.
  }
}
