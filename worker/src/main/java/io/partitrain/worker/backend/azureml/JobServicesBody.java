package io.partitrain.worker.backend.azureml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.partitrain.assets.AzureMlTranslationException;
import io.partitrain.shared.plan.JobServices;
import io.partitrain.shared.serde.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** A job.yml's {@code services:} as the CommandJob body's {@code services} ({@code JobService}). */
final class JobServicesBody {
  /**
   * The REST {@code jobServiceType} of each job.yml service type ({@link JobServices#TYPES}), as
   * azure-ai-ml sends them.
   */
  static final Map<String, String> SERVICE_TYPES =
      Map.of(
          "jupyter_lab",
          "JupyterLab",
          "ssh",
          "SSH",
          "vs_code",
          "VSCode",
          "tensor_board",
          "TensorBoard",
          "custom",
          "Custom");

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private JobServicesBody() {}

  /**
   * {@code services:} as azure-ai-ml sends them: the type's REST name, {@code nodes: all} as {@code
   * AllNodes}, and {@code ssh_public_keys} / {@code log_dir} as the properties {@code
   * sshPublicKeys} / {@code logDir}. The job.yml was checked when it was loaded ({@link
   * JobServices}); a value that slipped past (a hand-written command) is refused here too.
   */
  static JsonNode of(JsonNode v) {
    if (!v.isObject()) {
      throw new AzureMlTranslationException("services", v, "must be a mapping");
    }
    ObjectNode out = F.objectNode();
    for (Map.Entry<String, JsonNode> e : new TreeMap<>(fieldsOf(v)).entrySet()) {
      String field = "services." + e.getKey();
      JsonNode s = e.getValue();
      String type = SERVICE_TYPES.get(s.path("type").asText(""));
      if (type == null) {
        throw new AzureMlTranslationException(
            field + ".type",
            s.path("type").asText(null),
            "must be one of the service types " + new java.util.TreeSet<>(SERVICE_TYPES.keySet()));
      }
      JobBodyTranslator.onlyKeys(s, field, JobServices.KEYS.toArray(String[]::new));
      ObjectNode n = out.putObject(e.getKey());
      n.put("jobServiceType", type);
      JobBodyTranslator.copyInt(s, "port", n, "port", field);
      if (JobServices.ALL_NODES.equals(s.path("nodes").asText(null))) {
        n.putObject("nodes").put("nodesValueType", "All");
      }
      Map<String, String> properties =
          s.has("properties")
              ? JobBodyTranslator.stringMap(field + ".properties", s.get("properties"))
              : new TreeMap<>();
      JobServices.PROPERTY_SHORTHANDS.forEach(
          (key, property) -> {
            if (s.hasNonNull(key)) {
              properties.put(property, s.get(key).asText());
            }
          });
      if (!properties.isEmpty()) {
        n.set("properties", Json.mapper().valueToTree(properties));
      }
    }
    return out;
  }

  private static Map<String, JsonNode> fieldsOf(JsonNode v) {
    Map<String, JsonNode> m = new LinkedHashMap<>();
    v.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue()));
    return m;
  }
}
