package io.partitrain.orchestrator.console;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * A stand-in for Entra ID in tests: an RSA key, its JWKS served over HTTP on a free port, and
 * signed access tokens with the claims Entra ID puts in them (iss, aud, sub, name, roles, exp).
 */
public final class TestIdentityProvider implements AutoCloseable {

  public static final String AUDIENCE = "api://partitrain-console";

  private final RSAKey key;
  private final HttpServer server;
  private final String issuer;

  private TestIdentityProvider(RSAKey key, HttpServer server, String issuer) {
    this.key = key;
    this.server = server;
    this.issuer = issuer;
  }

  /** Starts serving a fresh key set; {@code tenant} makes the issuer distinct. */
  public static TestIdentityProvider start(String tenant) {
    try {
      RSAKey key = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      byte[] jwks = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
      server.createContext(
          "/keys",
          exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(jwks);
            }
          });
      server.start();
      return new TestIdentityProvider(
          key, server, "https://login.example.test/" + tenant + "/v2.0");
    } catch (JOSEException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public String issuer() {
    return issuer;
  }

  public String jwksUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/keys";
  }

  /** A token for {@code subject} with these app roles, valid for an hour. */
  public String token(String subject, String name, List<String> roles) {
    return token(subject, name, roles, Instant.now().plus(Duration.ofHours(1)));
  }

  /** A token that expired ten minutes ago (beyond any clock skew). */
  public String expiredToken(String subject, List<String> roles) {
    return token(subject, subject, roles, Instant.now().minus(Duration.ofMinutes(10)));
  }

  private String token(String subject, String name, List<String> roles, Instant expires) {
    try {
      JWTClaimsSet claims =
          new JWTClaimsSet.Builder()
              .issuer(issuer)
              .audience(AUDIENCE)
              .subject(subject)
              .claim("name", name)
              .claim("roles", roles)
              .issueTime(Date.from(expires.minus(Duration.ofHours(2))))
              .expirationTime(Date.from(expires))
              .build();
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.RS256)
                  .keyID(key.getKeyID())
                  .type(JOSEObjectType.JWT)
                  .build(),
              claims);
      jwt.sign(new RSASSASigner(key));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
