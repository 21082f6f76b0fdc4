package io.partitrain.shared.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The file-level rules of a job.yml, checked before anything renders: the keys az ml knows, at
 * every level Partitrain reads, with "did you mean"; the types of the fields; the placeholders.
 * {@link JobTemplate} applies them to a file it loads and to a template that arrived in a command.
 */
final class JobShape {

  /** The job.yml keys Partitrain understands. */
  static final Set<String> SUPPORTED_KEYS =
      Set.of(
          "$schema",
          "type",
          "command",
          "code",
          "environment",
          "compute",
          "inputs",
          "outputs",
          "environment_variables",
          "resources",
          "limits",
          "tags",
          "experiment_name",
          "display_name",
          "description",
          "distribution",
          "identity",
          "queue_settings",
          "services",
          "properties");

  /**
   * The keys az ml's command-job schema knows inside each section: az ml refuses any other
   * ("Unknown field"), and so does Partitrain, before anything starts (issue 23: {@code resources:
   * {instance_cout: 2}} ran on one node without a word).
   */
  static final Map<String, Set<String>> SECTION_KEYS =
      Map.of(
          "resources",
          Set.of(
              "instance_count",
              "instance_type",
              "properties",
              "docker_args",
              "shm_size",
              "max_instance_count",
              "locations"),
          "limits",
          Set.of("timeout"),
          "queue_settings",
          Set.of("job_tier", "priority"),
          "identity",
          Set.of("type", "client_id", "object_id", "msi_resource_id"));

  /** The keys of one input or output written as a mapping ({@code type}, {@code path}, ...). */
  static final Set<String> INPUT_KEYS =
      Set.of(
          "type",
          "path",
          "mode",
          "description",
          "optional",
          "datastore",
          "path_on_compute",
          // literal inputs written as a mapping, as components declare them
          "default",
          "value",
          "min",
          "max",
          "enum");

  static final Set<String> OUTPUT_KEYS =
      Set.of(
          "type",
          "path",
          "mode",
          "description",
          "name",
          "version",
          "datastore",
          "path_on_compute",
          "early_available");

  private JobShape() {}

  /** The keys of each mapping-form entry of {@code inputs} or {@code outputs}. */
  private static void checkEntryKeys(
      JsonNode section,
      String name,
      Set<String> known,
      String what,
      String file,
      List<PlanViolation> v) {
    if (section == null || !section.isObject()) {
      return;
    }
    section
        .fields()
        .forEachRemaining(
            e ->
                KeyCheck.refuseUnknown(
                    e.getValue(), known, name + "." + e.getKey() + ".", what, file, v));
  }

  static void check(ObjectNode t, String file, List<PlanViolation> v) {
    t.fieldNames()
        .forEachRemaining(
            k -> {
              if (!SUPPORTED_KEYS.contains(k)) {
                v.add(
                    new PlanViolation(
                        file,
                        k,
                        t.get(k).toString(),
                        k.equals("name")
                            ? "Partitrain names each job itself (runId-partitionId-aN); remove 'name'"
                            : KeyCheck.unknownRule(k, SUPPORTED_KEYS, "command-job key")));
              }
            });
    SECTION_KEYS.forEach(
        (section, known) ->
            KeyCheck.refuseUnknown(
                t.get(section), known, section + ".", section + " key", file, v));
    checkEntryKeys(t.get("inputs"), "inputs", INPUT_KEYS, "job input key", file, v);
    checkEntryKeys(t.get("outputs"), "outputs", OUTPUT_KEYS, "job output key", file, v);
    JobServices.check(t.get("services"), file, v);
    JsonNode type = t.get("type");
    if (type != null && !"command".equals(type.asText())) {
      v.add(new PlanViolation(file, "type", type.asText(), "only 'command' jobs are supported"));
    }
    JsonNode command = t.get("command");
    if (command == null || !command.isTextual() || command.asText().isBlank()) {
      v.add(
          new PlanViolation(
              file,
              "command",
              command == null ? null : command.toString(),
              "is required and must be a non-empty string"));
    }
    checkOptionalText(t, "code", file, v);
    checkOptionalText(t, "compute", file, v);
    checkOptionalText(t, "experiment_name", file, v);
    checkOptionalText(t, "display_name", file, v);
    checkOptionalText(t, "description", file, v);
    checkOptionalMapping(t, "inputs", file, v);
    checkOptionalMapping(t, "outputs", file, v);
    checkOptionalMapping(t, "environment_variables", file, v);
    checkOptionalMapping(t, "tags", file, v);
    checkOptionalMapping(t, "resources", file, v);
    checkOptionalMapping(t, "limits", file, v);
    JsonNode count = t.path("resources").get("instance_count");
    if (count != null
        && (!count.canConvertToInt() || !count.isIntegralNumber() || count.asInt() < 1)) {
      v.add(
          new PlanViolation(
              file,
              "resources.instance_count",
              count.asText(),
              "must be an integer of at least 1"));
    }
    JsonNode timeout = t.path("limits").get("timeout");
    if (timeout != null && (!timeout.isIntegralNumber() || timeout.asLong() < 1)) {
      v.add(
          new PlanViolation(
              file,
              "limits.timeout",
              timeout.asText(),
              "must be a whole number of seconds, at least 1"));
    }
    t.path("outputs")
        .fields()
        .forEachRemaining(
            e -> {
              if (!e.getValue().isObject() && !e.getValue().isNull()) {
                v.add(
                    new PlanViolation(
                        file,
                        "outputs." + e.getKey(),
                        e.getValue().asText(),
                        "must be a mapping (type, path, mode)"));
              }
            });
    for (Map.Entry<String, String> e : JobTemplate.textFields(t, "").entrySet()) {
      for (String expr : Placeholders.expressions(e.getValue())) {
        checkExpression(t, file, e.getKey(), expr, v);
      }
    }
  }

  private static void checkExpression(
      ObjectNode t, String file, String field, String expr, List<PlanViolation> v) {
    if (expr.equals(Placeholders.PARTITION_ID) || expr.equals(Placeholders.RUN_ID)) {
      return;
    }
    if (expr.startsWith(Placeholders.PARTITION_TAG_PREFIX)
        && expr.length() > Placeholders.PARTITION_TAG_PREFIX.length()) {
      return;
    }
    if (SecretRefs.isSecret(expr)) {
      SecretRefs.check(file, field, expr).ifPresent(v::add);
      return;
    }
    for (String[] io :
        new String[][] {
          {Placeholders.INPUT_PREFIX, "inputs"}, {Placeholders.OUTPUT_PREFIX, "outputs"}
        }) {
      if (expr.startsWith(io[0])) {
        String name = expr.substring(io[0].length());
        if (!field.equals("command")) {
          v.add(
              new PlanViolation(
                  file,
                  field,
                  "${{" + expr + "}}",
                  "${{" + io[1] + ".NAME}} may only appear in 'command'"));
        } else if (!t.path(io[1]).has(name)) {
          v.add(
              new PlanViolation(
                  file,
                  field,
                  "${{" + expr + "}}",
                  "refers to " + io[1] + "." + name + ", which the job does not declare"));
        }
        return;
      }
    }
    v.add(
        new PlanViolation(
            file,
            field,
            "${{" + expr + "}}",
            "unknown placeholder; use ${{partition.id}}, ${{partition.tags.NAME}}, ${{run.id}}, "
                + "${{inputs.NAME}}, ${{outputs.NAME}} or ${{secrets.NAME}}"));
  }

  private static void checkOptionalText(
      ObjectNode t, String key, String file, List<PlanViolation> v) {
    JsonNode n = t.get(key);
    if (n != null && !n.isTextual()) {
      v.add(new PlanViolation(file, key, n.toString(), "must be a string"));
    }
  }

  private static void checkOptionalMapping(
      ObjectNode t, String key, String file, List<PlanViolation> v) {
    JsonNode n = t.get(key);
    if (n != null && !n.isObject() && !n.isNull()) {
      v.add(new PlanViolation(file, key, n.toString(), "must be a mapping"));
    }
  }
}
