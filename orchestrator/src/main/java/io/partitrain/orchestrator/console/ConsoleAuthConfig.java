package io.partitrain.orchestrator.console;

import io.partitrain.orchestrator.console.auth.Authenticator;
import io.partitrain.orchestrator.console.auth.JwtAuthenticator;
import io.partitrain.orchestrator.console.auth.LocalTokenAuthenticator;
import io.partitrain.shared.config.Env;
import io.partitrain.shared.config.Setting;
import java.util.ArrayList;
import java.util.List;

/**
 * How the orchestrator service authenticates console callers, from its environment:
 *
 * <ul>
 *   <li>{@value #ISSUER_ENV}, {@value #AUDIENCE_ENV}, {@value #JWKS_ENV}: Entra ID access tokens
 *       (all three, or none);
 *   <li>{@value #TOKEN_ENV}: one static admin token of at least 32 characters, from a secret (for a
 *       cluster without Entra ID; prefer Entra ID).
 * </ul>
 *
 * <p>At least one must be set: a console that anyone could call is refused at start-up.
 */
public record ConsoleAuthConfig(String issuer, String audience, String jwksUrl, String token) {

  public static final String ISSUER_ENV = "PARTITRAIN_AUTH_ISSUER";
  public static final String AUDIENCE_ENV = "PARTITRAIN_AUTH_AUDIENCE";
  public static final String JWKS_ENV = "PARTITRAIN_AUTH_JWKS_URL";
  public static final String TOKEN_ENV = "PARTITRAIN_CONSOLE_TOKEN";

  public static final Setting<String> ISSUER =
      Setting.text(
          ISSUER_ENV,
          "the Entra ID issuer of accepted tokens,"
              + " https://login.microsoftonline.com/TENANT/v2.0 (with the audience and key set)",
          null);
  public static final Setting<String> AUDIENCE =
      Setting.text(
          AUDIENCE_ENV, "the audience of accepted tokens, the API's application id URI", null);
  public static final Setting<String> JWKS_URL =
      Setting.text(
          JWKS_ENV,
          "the issuer's key set," + " https://login.microsoftonline.com/TENANT/discovery/v2.0/keys",
          null);
  public static final Setting<String> TOKEN =
      Setting.text(
          TOKEN_ENV,
          "a static admin token of at least 32 characters, from a secret, where there"
              + " is no Entra ID; the console refuses to start with neither this nor the three"
              + " Entra ID settings",
          null);

  public ConsoleAuthConfig {
    int jwt = (blank(issuer) ? 0 : 1) + (blank(audience) ? 0 : 1) + (blank(jwksUrl) ? 0 : 1);
    if (jwt != 0 && jwt != 3) {
      throw new IllegalArgumentException(
          ISSUER_ENV
              + ", "
              + AUDIENCE_ENV
              + " and "
              + JWKS_ENV
              + " go together: set all three for Entra ID tokens, or none");
    }
    if (jwt == 0 && blank(token)) {
      throw new IllegalArgumentException(
          "the console needs a way to authenticate callers: set "
              + ISSUER_ENV
              + "/"
              + AUDIENCE_ENV
              + "/"
              + JWKS_ENV
              + " (Entra ID) or "
              + TOKEN_ENV);
    }
  }

  public static ConsoleAuthConfig from(Env env) {
    return new ConsoleAuthConfig(
        ISSUER.from(env), AUDIENCE.from(env), JWKS_URL.from(env), TOKEN.from(env));
  }

  public Authenticator authenticator() {
    List<Authenticator> all = new ArrayList<>();
    if (!blank(issuer)) {
      all.add(new JwtAuthenticator(issuer, audience, jwksUrl));
    }
    if (!blank(token)) {
      all.add(LocalTokenAuthenticator.of(token));
    }
    return all.size() == 1 ? all.get(0) : Authenticator.anyOf(all);
  }

  @Override
  public String toString() {
    return "ConsoleAuthConfig[issuer="
        + issuer
        + ", audience="
        + audience
        + ", jwksUrl="
        + jwksUrl
        + ", token="
        + (blank(token) ? "none" : "***")
        + "]";
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
