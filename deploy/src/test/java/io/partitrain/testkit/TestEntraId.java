package io.partitrain.testkit;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import reactor.core.publisher.Mono;

/**
 * A stand-in for Entra ID in tests: an RSA key, a JWKS endpoint on loopback serving its public half
 * (what a broker validating OAUTHBEARER tokens fetches), and {@link Credential}, a {@link
 * TokenCredential} that signs RS256 tokens with it for the subject currently set.
 */
public final class TestEntraId implements AutoCloseable {

  public static final String KEY_ID = "partitrain-test-key";

  private static volatile TestEntraId current;

  private final KeyPair keys;
  private final HttpServer jwks;
  private final List<String> requestedScopes = new CopyOnWriteArrayList<>();
  private volatile String subject = "nobody";
  private volatile String audience;
  private volatile KeyPair signingKeys;

  private TestEntraId(KeyPair keys, HttpServer jwks) {
    this.keys = keys;
    this.signingKeys = keys;
    this.jwks = jwks;
  }

  /** Starts the JWKS endpoint; {@link Credential} signs with this instance until it is closed. */
  public static TestEntraId start() {
    try {
      KeyPair keys = rsa();
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      TestEntraId id = new TestEntraId(keys, server);
      server.createContext(
          "/jwks",
          exchange -> {
            byte[] body = id.jwksJson().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
          });
      server.start();
      current = id;
      return id;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String jwksUrl() {
    return "http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks";
  }

  /** The principal the next tokens name ({@code sub}). */
  public void issueTokensFor(String subject, String audience) {
    this.subject = subject;
    this.audience = audience;
    this.signingKeys = keys;
  }

  /** From now on tokens are signed by a key the JWKS does not hold (a forged token). */
  public void forgeTokens() {
    this.signingKeys = rsa();
  }

  /** Scopes the handler asked tokens for. */
  public List<String> requestedScopes() {
    return List.copyOf(requestedScopes);
  }

  @Override
  public void close() {
    jwks.stop(0);
    current = null;
  }

  private String jwksJson() {
    RSAPublicKey pub = (RSAPublicKey) keys.getPublic();
    return "{\"keys\":[{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\",\"kid\":\""
        + KEY_ID
        + "\",\"n\":\""
        + b64(unsigned(pub.getModulus()))
        + "\",\"e\":\""
        + b64(unsigned(pub.getPublicExponent()))
        + "\"}]}";
  }

  private String token(String scope) {
    requestedScopes.add(scope);
    long now = Instant.now().getEpochSecond();
    String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + KEY_ID + "\"}";
    String payload =
        "{\"sub\":\""
            + subject
            + "\",\"oid\":\""
            + subject
            + "\",\"aud\":\""
            + audience
            + "\",\"iss\":\"https://sts.windows.net/test-tenant/\",\"iat\":"
            + now
            + ",\"nbf\":"
            + now
            + ",\"exp\":"
            + (now + 3600)
            + ",\"scope\":\""
            + scope
            + "\"}";
    String signingInput =
        b64(header.getBytes(StandardCharsets.UTF_8))
            + "."
            + b64(payload.getBytes(StandardCharsets.UTF_8));
    try {
      Signature s = Signature.getInstance("SHA256withRSA");
      s.initSign(signingKeys.getPrivate());
      s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + b64(s.sign());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair rsa() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] unsigned(BigInteger n) {
    byte[] b = n.toByteArray();
    return b[0] == 0 ? Arrays.copyOfRange(b, 1, b.length) : b;
  }

  private static String b64(byte[] b) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** What the OAUTHBEARER login handler is configured with in tests, instead of Entra ID. */
  public static final class Credential implements TokenCredential {
    @Override
    public Mono<AccessToken> getToken(TokenRequestContext request) {
      return Mono.fromCallable(() -> getTokenSync(request));
    }

    @Override
    public AccessToken getTokenSync(TokenRequestContext request) {
      TestEntraId id = current;
      if (id == null) {
        throw new IllegalStateException("no TestEntraId is running");
      }
      String scope = String.join(" ", request.getScopes());
      return new AccessToken(id.token(scope), OffsetDateTime.now(ZoneOffset.UTC).plusHours(1));
    }
  }
}
