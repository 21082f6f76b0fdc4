package io.partitrain.shared.plan;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The rules of a command job's {@code services:} (interactive endpoints az ml starts beside the
 * job: JupyterLab, SSH, VS Code, TensorBoard, or a custom port), checked when a job.yml is loaded
 * so that an unknown type is refused before a run starts, not when its first job is submitted.
 *
 * <pre>
 * services:
 *   my_ssh: {type: ssh, ssh_public_keys: "ssh-rsa AAAA...", nodes: all}
 *   my_tensorboard: {type: tensor_board, log_dir: outputs/tblogs}
 *   my_app: {type: custom, port: 8080, properties: {a: b}}
 * </pre>
 */
public final class JobServices {

  /** The service types az ml accepts in a job.yml. */
  public static final Set<String> TYPES =
      Set.of("jupyter_lab", "ssh", "vs_code", "tensor_board", "custom");

  /** The keys of one service entry. */
  public static final Set<String> KEYS =
      Set.of("type", "port", "nodes", "properties", "ssh_public_keys", "log_dir");

  /** The one value {@code nodes} may have: the service runs on every node, else on the leader. */
  public static final String ALL_NODES = "all";

  /** The keys that are shorthands for one service property: az ml sends them as properties. */
  public static final Map<String, String> PROPERTY_SHORTHANDS =
      Map.of("ssh_public_keys", "sshPublicKeys", "log_dir", "logDir");

  private JobServices() {}

  static void check(JsonNode services, String file, List<PlanViolation> v) {
    if (services == null || services.isNull()) {
      return;
    }
    if (!services.isObject()) {
      v.add(
          new PlanViolation(
              file, "services", services.toString(), "must be a mapping of name: {type, ...}"));
      return;
    }
    services
        .fields()
        .forEachRemaining(e -> checkEntry("services." + e.getKey(), e.getValue(), file, v));
  }

  private static void checkEntry(String field, JsonNode s, String file, List<PlanViolation> v) {
    if (!s.isObject()) {
      v.add(new PlanViolation(file, field, s.toString(), "must be a mapping (type, port, nodes)"));
      return;
    }
    KeyCheck.refuseUnknown(s, KEYS, field + ".", "service key", file, v);
    JsonNode type = s.get("type");
    if (type == null || !type.isTextual() || !TYPES.contains(type.asText())) {
      v.add(
          new PlanViolation(
              file,
              field + ".type",
              type == null ? null : type.asText(),
              "must be one of the service types " + new TreeSet<>(TYPES)));
    }
    JsonNode port = s.get("port");
    if (port != null && (!port.isIntegralNumber() || port.asInt() < 1 || port.asInt() > 65535)) {
      v.add(
          new PlanViolation(
              file, field + ".port", port.asText(), "must be a port from 1 to 65535"));
    }
    JsonNode nodes = s.get("nodes");
    if (nodes != null && !nodes.isNull() && !ALL_NODES.equals(nodes.asText())) {
      v.add(
          new PlanViolation(
              file,
              field + ".nodes",
              nodes.asText(),
              "must be 'all' (or left out: the service runs on the leader node only)"));
    }
    JsonNode properties = s.get("properties");
    if (properties != null && !isMappingOfScalars(properties)) {
      v.add(
          new PlanViolation(
              file, field + ".properties", properties.toString(), "must be a mapping of strings"));
    }
    for (String shorthand : PROPERTY_SHORTHANDS.keySet()) {
      JsonNode value = s.get(shorthand);
      if (value != null && !value.isTextual()) {
        v.add(
            new PlanViolation(file, field + "." + shorthand, value.toString(), "must be a string"));
      }
    }
  }

  private static boolean isMappingOfScalars(JsonNode n) {
    if (!n.isObject()) {
      return false;
    }
    for (JsonNode value : n) {
      if (value.isContainerNode()) {
        return false;
      }
    }
    return true;
  }
}
