package io.partitrain.shared.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.JobSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.TreeMap;

/**
 * The fingerprint of a job's definition: SHA-256 over the {@link JobSpec}'s JSON with object keys
 * sorted, so that map order, indentation and a round trip through a file or a topic never change
 * it. Get-or-create compares it with the fingerprint of the job it finds under the same name: equal
 * means the same job (adopt it), different means another job that happens to carry the name (a run
 * id reused after its state was lost), which is a {@link FailureClass#CONFLICT}, never adopted.
 */
public final class JobSpecHash {

  /** Characters of the hex digest kept: 64 bits, far beyond any collision among one name's jobs. */
  public static final int LENGTH = 16;

  private JobSpecHash() {}

  /** The fingerprint of {@code spec}: {@value #LENGTH} lowercase hex characters. */
  public static String of(JobSpec spec) {
    JsonNode canonical = sorted(Json.mapper().valueToTree(spec));
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(Json.toString(canonical).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, LENGTH);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      TreeMap<String, JsonNode> fields = new TreeMap<>();
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        fields.put(name, sorted(node.get(name)));
      }
      ObjectNode out = Json.mapper().createObjectNode();
      fields.forEach(out::set);
      return out;
    }
    if (node.isArray()) {
      var out = Json.mapper().createArrayNode();
      node.forEach(n -> out.add(sorted(n)));
      return out;
    }
    return node;
  }
}
