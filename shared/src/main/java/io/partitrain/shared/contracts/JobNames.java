package io.partitrain.shared.contracts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Deterministic backend job names: {@code runId-partitionId-HASH-aN}, valid under Azure ML's rule
 * {@value #RULE}. Determinism is what makes submission idempotent: a redelivered work item maps to
 * the same name, and the backend's get-or-create finds the job that already exists.
 *
 * <p>The readable head alone is ambiguous: run and partition ids may both contain {@code -}, so
 * {@code a-b}/{@code c} and {@code a}/{@code b-c} would share {@code a-b-c}, and characters outside
 * the rule ({@code .}) are replaced. {@code HASH} is a hash of the exact (run, partition) pair, so
 * two pairs share a name only if they share both the head and the hash; the attempt stays last so a
 * name still reads as "attempt N". A name longer than {@value #MAX_LENGTH} keeps the start of its
 * head and a longer hash.
 */
public final class JobNames {

  public static final String RULE = "^[a-zA-Z0-9][a-zA-Z0-9\\-_]{0,254}$";
  public static final int MAX_LENGTH = 255;

  private static final Pattern VALID = Pattern.compile(RULE);
  private static final int HASH_CHARS = 8;
  private static final int LONG_HASH_CHARS = 16;

  private JobNames() {}

  /** The job name of one attempt of one partition of one run. */
  public static String of(String runId, String partitionId, int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be at least 1, but was " + attempt);
    }
    // Length-prefixed, so the hashed key is unambiguous whatever characters the ids hold.
    String pairHash = sha256Hex(runId.length() + ":" + runId + "/" + partitionId);
    String suffix = "-a" + attempt;
    String head = replaceDisallowed(runId + "-" + partitionId);
    if (head.isEmpty() || !isLetterOrDigit(head.charAt(0))) {
      head = "j" + head;
    }
    String name = head + "-" + pairHash.substring(0, HASH_CHARS) + suffix;
    if (name.length() > MAX_LENGTH) {
      int keep = MAX_LENGTH - suffix.length() - LONG_HASH_CHARS - 1;
      name = head.substring(0, keep) + "-" + pairHash.substring(0, LONG_HASH_CHARS) + suffix;
    }
    return name;
  }

  public static boolean isValid(String name) {
    return name != null && VALID.matcher(name).matches();
  }

  private static String replaceDisallowed(String raw) {
    StringBuilder b = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      b.append(isLetterOrDigit(c) || c == '-' || c == '_' ? c : '_');
    }
    return b.toString();
  }

  private static boolean isLetterOrDigit(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  /**
   * One digest per thread: looking the algorithm up for every name cost more than hashing (the
   * orchestrator names every attempt it admits, and every status it reads).
   */
  private static final ThreadLocal<MessageDigest> SHA_256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("SHA-256 is required by the Java platform", e);
            }
          });

  private static String sha256Hex(String s) {
    MessageDigest md = SHA_256.get();
    md.reset();
    return HexFormat.of().formatHex(md.digest(s.getBytes(StandardCharsets.UTF_8)));
  }
}
