package io.partitrain.orchestrator.console.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Validates Entra ID (OIDC) access tokens: RS256 signature against the issuer's JWKS (fetched and
 * cached by nimbus, refreshed on an unknown key id), exact issuer, audience, expiry and not-before
 * (60 s clock skew). Roles come from the {@code roles} claim (Entra ID app roles), each mapped by
 * {@link Role#fromClaim}; a token with none of ours is valid but may do nothing (403, not 401).
 */
public final class JwtAuthenticator implements Authenticator {

  private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
  private final String issuer;

  /**
   * @param issuer the exact {@code iss} (Entra ID v2: {@code
   *     https://login.microsoftonline.com/TENANT/v2.0})
   * @param audience the exact {@code aud}: the API's application id URI or client id
   * @param jwksUrl the issuer's key set ({@code …/discovery/v2.0/keys})
   */
  public JwtAuthenticator(String issuer, String audience, String jwksUrl) {
    this.issuer = issuer;
    JWKSource<SecurityContext> keys;
    try {
      keys = JWKSourceBuilder.create(URI.create(jwksUrl).toURL()).retrying(true).build();
    } catch (MalformedURLException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "PARTITRAIN_AUTH_JWKS_URL must be an http(s) URL, but was '" + jwksUrl + "'", e);
    }
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
    processor.setJWTClaimsSetVerifier(
        new DefaultJWTClaimsVerifier<>(
            audience,
            new JWTClaimsSet.Builder().issuer(issuer).build(),
            Set.of("sub", "exp", "iss", "aud")));
  }

  @Override
  public Principal authenticate(String bearerToken) {
    JWTClaimsSet claims;
    try {
      claims = processor.process(bearerToken, null);
    } catch (ParseException e) {
      throw new AuthenticationException("the bearer token is not a JWT");
    } catch (BadJOSEException e) {
      throw new AuthenticationException("the JWT was refused: " + e.getMessage());
    } catch (JOSEException e) {
      throw new AuthenticationException("the JWT could not be verified against " + issuer, e);
    }
    Set<Role> roles = EnumSet.noneOf(Role.class);
    try {
      List<String> values = claims.getStringListClaim("roles");
      if (values != null) {
        values.forEach(v -> Role.fromClaim(v).ifPresent(roles::add));
      }
      String name = claims.getStringClaim("name");
      if (name == null) {
        name = claims.getStringClaim("preferred_username");
      }
      return new Principal(claims.getSubject(), name, roles);
    } catch (ParseException e) {
      throw new AuthenticationException("the JWT's roles or name claim is malformed");
    }
  }
}
