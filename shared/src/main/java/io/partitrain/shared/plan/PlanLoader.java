package io.partitrain.shared.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.partitrain.shared.contracts.CostBudget;
import io.partitrain.shared.contracts.PartitionIds;
import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.contracts.RetryPolicy;
import io.partitrain.shared.contracts.RunDeadline;
import io.partitrain.shared.contracts.RunDefinition;
import io.partitrain.shared.contracts.RunLimits;
import io.partitrain.shared.contracts.ScheduleSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a plan.yml, its job.yml and its partition list, and checks every rule before anything runs.
 * Problems are collected, not thrown one at a time, so a user fixes a plan in one pass.
 *
 * <pre>
 * name: weekly-demand            # required, [A-Za-z0-9][A-Za-z0-9._-]{0,63}
 * job: job.yml                   # required, relative to the plan
 * root: ..                       # optional: the folder the job's local paths stay inside
 *                                # (default: the git work tree that holds the plan; PlanRoot)
 * partitions:
 *   file: stores.csv             # first column: id; other columns: tags (header = tag names)
 *   # or
 *   inline: [store-001, {id: store-002, tags: {region: north}}]
 * retry:
 *   maxAttempts: 3
 *   backoff: {initial: PT10S, multiplier: 2.0, max: PT10M, jitter: 0.2}
 *   retryTimeouts: false
 * concurrency:
 *   maxInFlight: 8
 * budget:                        # optional: the run's cost cap (see CostBudget)
 *   cap: 120.00
 *   currency: EUR
 *   prices: {Standard_DS3_v2: 0.27, local: 0.10}   # per node-hour; instance_type, else compute
 * schedule:                      # optional; see ScheduleSpec
 *   cron: "0 6 * * MON"
 *   timeZone: Europe/Amsterdam
 * deadline: MON 06:00            # optional; see RunDeadline (in the schedule's time zone)
 * </pre>
 */
public final class PlanLoader {

  public static final String NAME_RULE = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$";
  public static final String TAG_NAME_RULE = "^[A-Za-z_][A-Za-z0-9_]{0,63}$";

  /** Runs are checked against this id while loading; the real id comes at start. */
  static final String CHECK_RUN_ID = "check-run";

  private static final Set<String> TOP_KEYS =
      Set.of(
          "name",
          "job",
          "partitions",
          "retry",
          "concurrency",
          "description",
          "budget",
          "schedule",
          "deadline",
          PlanRoot.ROOT_KEY);
  private static final Pattern NAME = Pattern.compile(NAME_RULE);
  private static final Pattern TAG_NAME = Pattern.compile(TAG_NAME_RULE);
  private static final YAMLMapper YAML = new YAMLMapper();

  private PlanLoader() {}

  /**
   * @throws PlanValidationException listing every broken rule, each with file, field, value, rule
   */
  public static Plan load(Path planFile) {
    String file = planFile.toString();
    JsonNode root = readYaml(planFile);
    List<PlanViolation> v = new ArrayList<>();
    checkKeys(root, file, v);
    String name = root.path("name").asText(null);
    if (!root.path("name").isContainerNode() && (name == null || !NAME.matcher(name).matches())) {
      v.add(new PlanViolation(file, "name", name, "is required and must match " + NAME_RULE));
    }
    RetryPolicy retry = readRetry(root.path("retry"), file, v);
    RunLimits limits = readLimits(root.path("concurrency"), file, v);
    Path base = planFile.toAbsolutePath().getParent();
    List<PartitionSpec> partitions = readPartitions(root.path("partitions"), base, file, v);
    ScheduleSpec schedule = ScheduleReader.read(root.path("schedule"), name, file, v);
    RunDeadline deadline = DeadlineReader.read(root.path("deadline"), schedule, file, v);

    JobTemplate template = null;
    String job = root.path("job").asText(null);
    if (root.path("job").isContainerNode()) {
      // reported by checkKeys
    } else if (job == null || job.isBlank()) {
      v.add(new PlanViolation(file, "job", null, "is required: the path of a job.yml"));
    } else if (!Files.isRegularFile(base.resolve(job))) {
      v.add(
          new PlanViolation(
              file, "job", job, "must name an existing job.yml (looked in " + base + ")"));
    } else {
      try {
        template = JobTemplate.load(base.resolve(job).normalize());
      } catch (PlanValidationException e) {
        v.addAll(e.violations());
      }
    }
    PlanRoot planRoot = PlanRoot.of(base, root.path(PlanRoot.ROOT_KEY).asText(null), file, v);
    if (template != null) {
      PlanPaths paths = PlanPaths.forRoot(planRoot);
      template.check(CHECK_RUN_ID, partitions, v);
      for (PartitionSpec p : partitions) {
        paths.check(template, CHECK_RUN_ID, p, v);
      }
    }
    CostBudget budget = BudgetReader.read(root.path("budget"), file, v);
    if (budget != null && template != null && v.isEmpty()) {
      BudgetReader.checkPriced(budget, template, partitions, file, v);
    }
    limits = limits.withBudget(budget);
    if (!v.isEmpty()) {
      throw new PlanValidationException(v);
    }
    RunDefinition definition =
        new RunDefinition(
            name,
            planFile.toAbsolutePath().toString(),
            planRoot.path().toString(),
            template.tree(),
            retry,
            limits,
            deadline);
    return new Plan(planFile, definition, partitions, template, schedule);
  }

  private static final Set<String> RETRY_KEYS = Set.of("maxAttempts", "backoff", "retryTimeouts");
  private static final Set<String> BACKOFF_KEYS = Set.of("initial", "multiplier", "max", "jitter");
  private static final Set<String> CONCURRENCY_KEYS = Set.of("maxInFlight");
  private static final Set<String> PARTITIONS_KEYS = Set.of("file", "inline");
  private static final Set<String> INLINE_PARTITION_KEYS = Set.of("id", "tags");

  /** Every section's keys, so that a misspelled key is refused instead of silently ignored. */
  private static void checkKeys(JsonNode root, String file, List<PlanViolation> v) {
    KeyCheck.refuseUnknown(root, TOP_KEYS, "", "plan key", file, v);
    // A scalar where a section belongs (`concurrency: 5`) would otherwise read as an empty
    // section, silently replaced by defaults; a section where a value belongs, the reverse.
    for (String section : List.of("retry", "concurrency")) {
      requireMapping(root.path(section), section, file, v);
    }
    requireMapping(root.path("retry").path("backoff"), "retry.backoff", file, v);
    for (String scalar : List.of("name", "job", "description", PlanRoot.ROOT_KEY)) {
      requireScalar(root.path(scalar), scalar, file, v);
    }
    KeyCheck.refuseUnknown(root.path("retry"), RETRY_KEYS, "retry.", "retry key", file, v);
    KeyCheck.refuseUnknown(
        root.path("retry").path("backoff"), BACKOFF_KEYS, "retry.backoff.", "backoff key", file, v);
    KeyCheck.refuseUnknown(
        root.path("concurrency"), CONCURRENCY_KEYS, "concurrency.", "concurrency key", file, v);
    KeyCheck.refuseUnknown(
        root.path("partitions"), PARTITIONS_KEYS, "partitions.", "partitions key", file, v);
    JsonNode inline = root.path("partitions").path("inline");
    for (int i = 0; i < inline.size(); i++) {
      KeyCheck.refuseUnknown(
          inline.get(i),
          INLINE_PARTITION_KEYS,
          "partitions.inline[" + i + "].",
          "partition key",
          file,
          v);
    }
  }

  private static void requireMapping(
      JsonNode node, String field, String file, List<PlanViolation> v) {
    if (!node.isMissingNode() && !node.isNull() && !node.isObject()) {
      v.add(
          new PlanViolation(
              file, field, node.toString(), "must be a mapping of keys, not a single value"));
    }
  }

  private static void requireScalar(
      JsonNode node, String field, String file, List<PlanViolation> v) {
    if (node.isContainerNode()) {
      v.add(
          new PlanViolation(
              file,
              field,
              node.toString(),
              "must be a single value, not a " + (node.isArray() ? "list" : "mapping")));
    }
  }

  private static JsonNode readYaml(Path file) {
    try {
      JsonNode root = YAML.readTree(Files.readString(file));
      if (root == null || !root.isObject()) {
        throw new PlanValidationException(
            List.of(PlanViolation.ofFile(file.toString(), "must be a YAML mapping of plan keys")));
      }
      return root;
    } catch (IOException e) {
      throw new PlanValidationException(List.of(YamlProblems.violation(file, e)));
    }
  }

  private static RetryPolicy readRetry(JsonNode r, String file, List<PlanViolation> v) {
    RetryPolicy d = RetryPolicy.defaults();
    int maxAttempts =
        intField(r, "maxAttempts", d.maxAttempts(), 1, 100, "retry.maxAttempts", file, v);
    JsonNode b = r.path("backoff");
    Duration initial =
        durationField(b, "initial", d.initialBackoff(), "retry.backoff.initial", file, v);
    Duration max = durationField(b, "max", d.maxBackoff(), "retry.backoff.max", file, v);
    double multiplier =
        doubleField(
            b, "multiplier", d.multiplier(), 1.0, 100.0, "retry.backoff.multiplier", file, v);
    double jitter = doubleField(b, "jitter", d.jitter(), 0.0, 1.0, "retry.backoff.jitter", file, v);
    boolean retryTimeouts = r.path("retryTimeouts").asBoolean(false);
    if (initial != null && max != null && max.compareTo(initial) < 0) {
      v.add(
          new PlanViolation(
              file,
              "retry.backoff.max",
              max.toString(),
              "must be at least retry.backoff.initial (" + initial + ")"));
      return d;
    }
    if (initial == null || max == null) {
      return d;
    }
    return new RetryPolicy(maxAttempts, initial, multiplier, max, jitter, retryTimeouts);
  }

  private static RunLimits readLimits(JsonNode c, String file, List<PlanViolation> v) {
    int maxInFlight =
        intField(
            c,
            "maxInFlight",
            RunLimits.DEFAULT_MAX_IN_FLIGHT,
            1,
            100_000,
            "concurrency.maxInFlight",
            file,
            v);
    return new RunLimits(Math.max(1, maxInFlight));
  }

  private static List<PartitionSpec> readPartitions(
      JsonNode p, Path base, String file, List<PlanViolation> v) {
    List<PartitionSpec> out = new ArrayList<>();
    boolean hasFile = p.has("file");
    boolean hasInline = p.has("inline");
    if (hasFile == hasInline) {
      v.add(
          new PlanViolation(
              file,
              "partitions",
              p.isMissingNode() ? null : p.toString(),
              "must have exactly one of 'file' (a CSV) or 'inline' (a list)"));
      return out;
    }
    if (hasFile) {
      String csv = p.get("file").asText();
      out.addAll(PartitionCsv.read(base.resolve(csv).normalize(), csv, v));
    } else {
      JsonNode list = p.get("inline");
      if (!list.isArray() || list.isEmpty()) {
        v.add(
            new PlanViolation(
                file, "partitions.inline", list.toString(), "must be a non-empty list"));
        return out;
      }
      for (int i = 0; i < list.size(); i++) {
        JsonNode item = list.get(i);
        String field = "partitions.inline[" + i + "]";
        String id = item.isObject() ? item.path("id").asText(null) : item.asText(null);
        Map<String, String> tags = new LinkedHashMap<>();
        item.path("tags")
            .fields()
            .forEachRemaining(
                e -> {
                  if (!TAG_NAME.matcher(e.getKey()).matches()) {
                    v.add(
                        new PlanViolation(
                            file,
                            field + ".tags",
                            e.getKey(),
                            "tag names must match " + TAG_NAME_RULE));
                  }
                  tags.put(e.getKey(), e.getValue().asText());
                });
        out.add(new PartitionSpec(id, tags));
      }
    }
    checkIds(out, file, v);
    return out;
  }

  static void checkIds(List<PartitionSpec> partitions, String file, List<PlanViolation> v) {
    if (partitions.isEmpty()) {
      v.add(new PlanViolation(file, "partitions", "(none)", "a plan needs at least one partition"));
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < partitions.size(); i++) {
      String id = partitions.get(i).id();
      if (!PartitionIds.isValid(id)) {
        v.add(
            new PlanViolation(
                file,
                "partitions[" + i + "].id",
                id,
                "partition ids must match " + PartitionIds.RULE));
      } else if (!seen.add(id)) {
        v.add(
            new PlanViolation(
                file, "partitions[" + i + "].id", id, "partition ids must be unique"));
      }
    }
  }

  private static int intField(
      JsonNode n,
      String key,
      int dflt,
      int min,
      int max,
      String field,
      String file,
      List<PlanViolation> v) {
    JsonNode x = n.get(key);
    if (x == null) {
      return dflt;
    }
    if (!x.isIntegralNumber() || x.asLong() < min || x.asLong() > max) {
      v.add(
          new PlanViolation(
              file,
              field,
              x.isValueNode() ? x.asText() : x.toString(),
              "must be a whole number from " + min + " to " + max));
      return dflt;
    }
    return x.asInt();
  }

  private static double doubleField(
      JsonNode n,
      String key,
      double dflt,
      double min,
      double max,
      String field,
      String file,
      List<PlanViolation> v) {
    JsonNode x = n.get(key);
    if (x == null) {
      return dflt;
    }
    if (!x.isNumber() || x.asDouble() < min || x.asDouble() > max) {
      v.add(
          new PlanViolation(
              file, field, x.asText(), "must be a number from " + min + " to " + max));
      return dflt;
    }
    return x.asDouble();
  }

  private static Duration durationField(
      JsonNode n, String key, Duration dflt, String field, String file, List<PlanViolation> v) {
    JsonNode x = n.get(key);
    if (x == null) {
      return dflt;
    }
    try {
      Duration d = Duration.parse(x.asText());
      if (d.isNegative()) {
        v.add(new PlanViolation(file, field, x.asText(), "must not be negative"));
        return null;
      }
      return d;
    } catch (DateTimeParseException e) {
      v.add(
          new PlanViolation(file, field, x.asText(), "must be an ISO-8601 duration such as PT30S"));
      return null;
    }
  }
}
