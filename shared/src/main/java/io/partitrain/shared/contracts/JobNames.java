package io.partitrain.shared.contracts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Deterministic backend job names: {@code runId-partitionId-aN}, sanitized for Azure ML's rule
 * {@value #RULE}. Determinism is what makes submission idempotent: a redelivered work item maps to
 * the same name, and the backend's get-or-create finds the job that already exists.
 *
 * <p>Characters outside the rule become {@code _}, and the name then gets a short hash of the raw
 * name, so that {@code store.001} and {@code store_001} never share a job. A name longer than
 * {@value #MAX_LENGTH} keeps its head and gets a hash of the full name, so two long ids never
 * collide by truncation.
 */
public final class JobNames {

  public static final String RULE = "^[a-zA-Z0-9][a-zA-Z0-9\\-_]{0,254}$";
  public static final int MAX_LENGTH = 255;

  private static final Pattern VALID = Pattern.compile(RULE);
  private static final int HASH_CHARS = 16;
  private static final int SHORT_HASH_CHARS = 8;

  private JobNames() {}

  /** The job name of one attempt of one partition of one run. */
  public static String of(String runId, String partitionId, int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be at least 1, but was " + attempt);
    }
    return sanitize(runId + "-" + partitionId + "-a" + attempt);
  }

  /** Makes {@code raw} match {@link #RULE}, deterministically. */
  public static String sanitize(String raw) {
    StringBuilder b = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_';
      b.append(ok ? c : '_');
    }
    if (b.length() == 0 || !Character.isLetterOrDigit(b.charAt(0))) {
      b.insert(0, 'j');
    }
    String name = b.toString();
    if (!name.equals(raw)) {
      name = name + "-" + sha256Hex(raw).substring(0, SHORT_HASH_CHARS);
    }
    if (name.length() > MAX_LENGTH) {
      String hash = sha256Hex(raw).substring(0, HASH_CHARS);
      name = name.substring(0, MAX_LENGTH - HASH_CHARS - 1) + "-" + hash;
    }
    return name;
  }

  public static boolean isValid(String name) {
    return name != null && VALID.matcher(name).matches();
  }

  private static String sha256Hex(String s) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the Java platform", e);
    }
  }
}
