package io.partitrain.shared.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.shared.contracts.JobSpec.JobInput;
import io.partitrain.shared.contracts.JobSpec.JobOutput;
import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.serde.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A job.yml in the Azure ML CLI v2 command-job format, with Partitrain's partition placeholders,
 * and its rendering into one {@link JobSpec} per partition.
 *
 * <p>Loading checks the file once (keys, types, placeholders); {@link #check} renders every
 * partition so that a missing tag or an unsafe value is refused before a run starts, not when its
 * partition comes up.
 */
public final class JobTemplate {

  /** Keys passed to backends unchanged ({@link JobSpec#extensions()}). */
  public static final Set<String> PASS_THROUGH_KEYS =
      Set.of("distribution", "identity", "queue_settings", "services", "properties");

  /**
   * What a partition tag value must look like where it is substituted into {@code command}: the
   * command reaches a shell, so quotes, spaces, {@code $} and {@code ;} are refused, and so is an
   * empty value (an empty CSV cell), which would silently drop the argument it stands for.
   */
  public static final String SAFE_COMMAND_VALUE_RULE = "^[A-Za-z0-9._:/@+=,-]+$";

  private static final Pattern SAFE_COMMAND_VALUE = Pattern.compile(SAFE_COMMAND_VALUE_RULE);

  /** A URL's scheme and {@code ://} ({@link #isLocalPath}); compiled once, not per path checked. */
  private static final Pattern URL = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://.*");

  private static final YAMLMapper YAML = new YAMLMapper();

  private final ObjectNode tree;
  private final String source;

  /**
   * The containers of {@link #tree} (by identity) with a placeholder somewhere under them: {@link
   * #render} copies these and shares the rest, read only, between the jobs it renders.
   */
  private final Set<JsonNode> withPlaceholders = Collections.newSetFromMap(new IdentityHashMap<>());

  /**
   * Every {@code ${{partition.tags.X}}} of the template, in field order: what {@link #check}
   * checks.
   */
  private final List<TagUse> tagUses = new ArrayList<>();

  /** A partition tag used by a text field. */
  private record TagUse(String field, String expression, String tag) {}

  /**
   * The local paths as the job.yml wrote them, by field ({@code code}, {@code inputs.x.path}),
   * before they were made absolute: refusals quote what the user wrote. Empty for a template built
   * from a tree.
   */
  private final Map<String, String> writtenPaths;

  /**
   * The template of {@code tree}, copied: its placeholders are looked up once here, and a template
   * renders every partition of a run (a start of 10,000 partitions rendered and checked each of
   * them several times over a copy of the whole tree, a fifth of the orchestrator's start in a
   * profile; issue 12).
   */
  private JobTemplate(ObjectNode tree, String source, Map<String, String> writtenPaths) {
    this.tree = tree.deepCopy();
    this.source = source;
    this.writtenPaths = Map.copyOf(writtenPaths);
    markPlaceholders(this.tree);
    for (Map.Entry<String, String> e : textFields(this.tree, "").entrySet()) {
      for (String expr : Placeholders.expressions(e.getValue())) {
        if (expr.startsWith(Placeholders.PARTITION_TAG_PREFIX)) {
          tagUses.add(
              new TagUse(
                  e.getKey(), expr, expr.substring(Placeholders.PARTITION_TAG_PREFIX.length())));
        }
      }
    }
  }

  /** Whether {@code node} holds a placeholder; marks the containers that do. */
  private boolean markPlaceholders(JsonNode node) {
    if (node.isTextual()) {
      return Placeholders.opensAny(node.asText());
    }
    boolean found = false;
    for (JsonNode child : node) {
      found |= markPlaceholders(child);
    }
    if (found) {
      withPlaceholders.add(node);
    }
    return found;
  }

  /**
   * Reads and checks a job.yml; local paths ({@code code}, input and output paths) are made
   * absolute against the file's folder, as {@code az ml} resolves them ({@code ../src} climbs out
   * of it; {@link PlanPaths} keeps them inside the plan's root).
   *
   * @throws PlanValidationException listing every broken rule
   */
  public static JobTemplate load(Path jobFile) {
    String name = jobFile.toString();
    JsonNode root;
    try {
      root = YAML.readTree(Files.readString(jobFile));
    } catch (IOException e) {
      throw new PlanValidationException(List.of(YamlProblems.violation(jobFile, e)));
    }
    if (root == null || !root.isObject()) {
      throw new PlanValidationException(
          List.of(PlanViolation.ofFile(name, "must be a YAML mapping of command-job keys")));
    }
    ObjectNode tree = (ObjectNode) root;
    List<PlanViolation> violations = new ArrayList<>();
    JobShape.check(tree, name, violations);
    if (!violations.isEmpty()) {
      throw new PlanValidationException(violations);
    }
    Map<String, String> written = new LinkedHashMap<>();
    Path base = jobFile.toAbsolutePath().getParent();
    absolutizeLocalPaths(tree, base, written);
    EnvironmentPaths.resolve(tree, base, name, written, violations);
    if (!violations.isEmpty()) {
      throw new PlanValidationException(violations);
    }
    return new JobTemplate(tree, name, written);
  }

  /**
   * A template from a tree (the orchestrator's copy of a plan, which may come from any client),
   * held to the same rules as a job.yml file ({@link #load}).
   *
   * @throws PlanValidationException naming every broken rule with its field and value
   */
  public static JobTemplate fromTree(JsonNode tree, String source) {
    if (tree == null || !tree.isObject()) {
      throw new PlanValidationException(
          List.of(
              new PlanViolation(
                  source,
                  "jobTemplate",
                  tree == null ? null : tree.toString(),
                  "the job template must be a mapping (the job.yml)")));
    }
    List<PlanViolation> violations = new ArrayList<>();
    JobShape.check((ObjectNode) tree, source, violations);
    if (!violations.isEmpty()) {
      throw new PlanValidationException(violations);
    }
    return new JobTemplate((ObjectNode) tree, source, Map.of());
  }

  /**
   * The violations of the file-level rules ({@link #load} checks them on a file; the orchestrator
   * re-checks them on a template that arrived in a command, see {@link PlanRecheck}).
   */
  public static List<PlanViolation> shapeViolations(JsonNode tree, String source) {
    List<PlanViolation> v = new ArrayList<>();
    if (tree == null || !tree.isObject()) {
      // The value as sent (a command may carry "x"), so the refusal never calls it missing.
      v.add(
          new PlanViolation(
              source,
              "job template",
              tree == null || tree.isNull() ? null : tree.toString(),
              "must be a YAML mapping"));
    } else {
      JobShape.check((ObjectNode) tree, source, v);
    }
    return v;
  }

  /** The tree, with local paths absolute, placeholders not substituted. */
  public JsonNode tree() {
    return tree;
  }

  public String source() {
    return source;
  }

  /**
   * The local path at {@code field} ({@code code}, {@code inputs.x.path}, {@code outputs.x.path})
   * as the job.yml wrote it, with the partition's placeholders substituted; null when the template
   * did not come from a file or the field holds no local path.
   */
  public String writtenPath(String field, String runId, PartitionSpec partition) {
    String written = writtenPaths.get(field);
    if (written == null || !Placeholders.opensAny(written)) {
      return written;
    }
    return Placeholders.substitute(
        written, Placeholders.partitionResolver(runId, partition.id(), partition.tags()));
  }

  /**
   * Adds the violations the partitions' renderings would hit: one per mistake, with the count of
   * partitions it affects (issue 23: one misspelled tag in {@code command} was "60 rules are
   * broken", the same message once per partition). A tag no partition has is suggested from the
   * tags they do have; an unsafe value is its own mistake, once per partition that holds it.
   */
  public void check(String runId, List<PartitionSpec> partitions, List<PlanViolation> violations) {
    for (TagUse use : tagUses) {
      List<String> lacking = new ArrayList<>();
      Set<String> tagsSeen = new java.util.TreeSet<>();
      for (PartitionSpec partition : partitions) {
        tagsSeen.addAll(partition.tags().keySet());
        String value = partition.tags().get(use.tag());
        if (value == null) {
          lacking.add(partition.id());
        } else if (use.field().equals("command") && !SAFE_COMMAND_VALUE.matcher(value).matches()) {
          violations.add(
              new PlanViolation(
                  source,
                  "partitions[" + partition.id() + "].tags." + use.tag(),
                  value,
                  "a tag used in 'command' must match " + SAFE_COMMAND_VALUE_RULE));
        }
      }
      if (!lacking.isEmpty()) {
        violations.add(
            new PlanViolation(
                source,
                use.field(),
                "${{" + use.expression() + "}}",
                missingTag(use, lacking, partitions.size(), tagsSeen)));
      }
    }
  }

  private static String missingTag(
      TagUse use, List<String> lacking, int total, Set<String> tagsSeen) {
    String which =
        String.join(", ", lacking.subList(0, Math.min(5, lacking.size())))
            + (lacking.size() > 5 ? ", ..." : "");
    if (lacking.size() == total) {
      String suggestion = KeyCheck.suggest(use.tag(), tagsSeen);
      return "all "
          + total
          + " partitions have no tag '"
          + use.tag()
          + "'"
          + (suggestion == null ? "" : "; did you mean '" + suggestion + "'?")
          + " (their tags: "
          + tagsSeen
          + "; "
          + which
          + ")";
    }
    return lacking.size()
        + " of "
        + total
        + " partitions have no tag '"
        + use.tag()
        + "' ("
        + which
        + ")";
  }

  /**
   * Renders the job of one partition: partition placeholders substituted everywhere, {@code
   * ${{inputs.x}}}/{@code ${{outputs.x}}} left in place.
   */
  public JobSpec render(String runId, PartitionSpec partition) {
    var resolver = Placeholders.partitionResolver(runId, partition.id(), partition.tags());
    return toSpec((ObjectNode) rendered(tree, resolver));
  }

  /**
   * {@code node} with the partition's placeholders substituted: a copy where it holds any, else the
   * node itself (never changed: the jobs only read it).
   */
  private JsonNode rendered(JsonNode node, Function<String, String> resolver) {
    if (node.isTextual()) {
      String text = node.asText();
      return Placeholders.opensAny(text)
          ? TextNode.valueOf(Placeholders.substitute(text, resolver))
          : node;
    }
    if (!withPlaceholders.contains(node)) {
      return node;
    }
    if (node.isObject()) {
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      node.fields().forEachRemaining(e -> copy.set(e.getKey(), rendered(e.getValue(), resolver)));
      return copy;
    }
    ArrayNode copy = JsonNodeFactory.instance.arrayNode(node.size());
    node.forEach(child -> copy.add(rendered(child, resolver)));
    return copy;
  }

  private static JobSpec toSpec(ObjectNode t) {
    Map<String, JobInput> inputs = new LinkedHashMap<>();
    t.path("inputs").fields().forEachRemaining(e -> inputs.put(e.getKey(), toInput(e.getValue())));
    Map<String, JobOutput> outputs = new LinkedHashMap<>();
    t.path("outputs")
        .fields()
        .forEachRemaining(
            e ->
                outputs.put(
                    e.getKey(),
                    new JobOutput(
                        text(e.getValue(), "type", "uri_folder"),
                        text(e.getValue(), "path", null),
                        text(e.getValue(), "mode", null))));
    Map<String, Object> extensions = new LinkedHashMap<>();
    for (String k : PASS_THROUGH_KEYS) {
      if (t.has(k)) {
        extensions.put(k, Json.mapper().convertValue(t.get(k), Object.class));
      }
    }
    JsonNode timeout = t.path("limits").path("timeout");
    JsonNode env = t.get("environment");
    return new JobSpec(
        t.path("command").asText(),
        text(t, "code", null),
        env == null ? null : Json.mapper().convertValue(env, Object.class),
        text(t, "compute", null),
        inputs,
        outputs,
        stringMap(t.path("environment_variables")),
        new JobSpec.Resources(
            t.path("resources").path("instance_count").asInt(1),
            text(t.path("resources"), "instance_type", null)),
        new JobSpec.Limits(
            timeout.isMissingNode() || timeout.isNull()
                ? null
                : Duration.ofSeconds(timeout.asLong())),
        stringMap(t.path("tags")),
        text(t, "experiment_name", null),
        text(t, "display_name", null),
        text(t, "description", null),
        extensions);
  }

  private static JobInput toInput(JsonNode v) {
    if (!v.isObject()) {
      return JobInput.literal(Json.mapper().convertValue(v, Object.class));
    }
    if (!v.has("type") && !v.has("path") && v.has("default")) {
      return JobInput.literal(Json.mapper().convertValue(v.get("default"), Object.class));
    }
    return new JobInput(
        text(v, "type", "uri_folder"), text(v, "path", null), text(v, "mode", null), null);
  }

  private static Map<String, String> stringMap(JsonNode node) {
    Map<String, String> m = new LinkedHashMap<>();
    node.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
    return m;
  }

  private static String text(JsonNode node, String field, String dflt) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? dflt : v.asText();
  }

  /** Every text value with its dotted path. */
  static Map<String, String> textFields(JsonNode node, String prefix) {
    Map<String, String> out = new LinkedHashMap<>();
    if (node.isTextual()) {
      out.put(prefix, node.asText());
    } else if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              e ->
                  out.putAll(
                      textFields(
                          e.getValue(),
                          prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey())));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        out.putAll(textFields(node.get(i), prefix + "[" + i + "]"));
      }
    }
    return out;
  }

  /**
   * Local paths become absolute; azureml: references and URLs stay as they are. What was written
   * goes to {@code written}, by field.
   */
  private static void absolutizeLocalPaths(ObjectNode t, Path base, Map<String, String> written) {
    JsonNode code = t.get("code");
    if (code != null && code.isTextual() && isLocalPath(code.asText())) {
      written.put("code", code.asText());
      t.put("code", base.resolve(code.asText()).normalize().toString());
    }
    for (String section : List.of("inputs", "outputs")) {
      t.path(section)
          .fields()
          .forEachRemaining(
              e -> {
                JsonNode path = e.getValue().get("path");
                if (path != null && path.isTextual() && isLocalPath(path.asText())) {
                  written.put(section + "." + e.getKey() + ".path", path.asText());
                  ((ObjectNode) e.getValue())
                      .put("path", base.resolve(path.asText()).normalize().toString());
                }
              });
    }
  }

  /** Whether a job.yml path names a local file or folder (not {@code azureml:}, not a URL). */
  public static boolean isLocalPath(String path) {
    return !path.startsWith("azureml:") && !URL.matcher(path).matches();
  }
}
