package io.partitrain.orchestrator.console.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;

/**
 * The token of an all-in-one installation ({@code partitrain up}, {@code demo}): 256 random bits,
 * generated at start and printed once; its holder is an admin. Compared in constant time, so the
 * time an answer takes says nothing about how much of a guess was right.
 */
public final class LocalTokenAuthenticator implements Authenticator {

  /** The subject recorded as {@code requestedBy} for the local token. */
  public static final String SUBJECT = "local-admin";

  private final byte[] token;

  private LocalTokenAuthenticator(String token) {
    this.token = token.getBytes(StandardCharsets.UTF_8);
  }

  /** A fresh random token. */
  public static LocalTokenAuthenticator generate() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return new LocalTokenAuthenticator(
        "ptl_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
  }

  /** A given token, at least 32 characters (for an installation that keeps it in a secret). */
  public static LocalTokenAuthenticator of(String token) {
    if (token == null || token.length() < 32) {
      throw new IllegalArgumentException(
          "PARTITRAIN_CONSOLE_TOKEN must be at least 32 characters, but was "
              + (token == null ? 0 : token.length()));
    }
    return new LocalTokenAuthenticator(token);
  }

  /** The token, to print once for the person who started the installation. */
  public String token() {
    return new String(token, StandardCharsets.UTF_8);
  }

  @Override
  public Principal authenticate(String bearerToken) {
    byte[] given = bearerToken.getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(given, token)) {
      throw new AuthenticationException("not the local token");
    }
    return new Principal(SUBJECT, "local admin", EnumSet.of(Role.ADMIN));
  }

  @Override
  public String toString() {
    return "LocalTokenAuthenticator[token=***]";
  }
}
