package io.partitrain.orchestrator.console.api.read;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.partitrain.orchestrator.console.view.ActionView;
import io.partitrain.orchestrator.console.view.CapEventView;
import io.partitrain.orchestrator.console.view.CostView;
import io.partitrain.orchestrator.console.view.PartitionView;
import io.partitrain.orchestrator.console.view.RunView;
import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.serde.Json;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The audit bundle of one run ({@code partitrain run evidence RUN}, {@code GET
 * /api/v1/runs/{run}/evidence}): the job template with its hash, who started it and every people's
 * decision, every attempt's evidence, the cap events and the ledger. Its JSON Schema is {@code
 * docs/run-evidence.schema.json}.
 *
 * @param jobTemplateSha256 SHA-256 of the job template as canonical JSON (keys sorted, no
 *     whitespace), so two bundles can be compared for "the same job definition"
 * @param fromFinalSnapshot true when the run's decisions are past the runs topic's retention and
 *     the bundle is built from its final snapshot on the state topic (see {@code note}); absent
 *     otherwise
 * @param note what such a bundle leaves out
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunEvidence(
    String type,
    int schemaVersion,
    Instant generatedAt,
    String runId,
    String planName,
    String planSource,
    JsonNode jobTemplate,
    String jobTemplateSha256,
    String requestedBy,
    Instant startedAt,
    Instant completedAt,
    String outcome,
    int total,
    Map<PartitionState, Integer> byState,
    Cost cost,
    List<ActionView> decisions,
    List<JobEvidence> jobs,
    List<CapEventView> capEvents,
    List<FinOpsRecord.LedgerEntry> ledger,
    Boolean fromFinalSnapshot,
    String note) {

  /** What a bundle built from a final snapshot leaves out. */
  public static final String FINAL_SNAPSHOT_NOTE =
      "the run's decisions are past the runs topic's retention (PARTITRAIN_RUNS_RETENTION); this"
          + " bundle is built from its final snapshot on the state topic: each partition's last"
          + " attempt without its status history, no earlier attempt, and no decision but the"
          + " start and the cancel; cap events and ledger as far as the FinOps topic still holds"
          + " them";

  public static final int SCHEMA_VERSION = 1;

  /** The run's money when it has prices. */
  public record Cost(String currency, BigDecimal cap, BigDecimal spent, BigDecimal reserved) {}

  public static RunEvidence of(RunView run, Instant generatedAt) {
    List<JobEvidence> jobs = new ArrayList<>();
    for (PartitionView p : run.partitions()) {
      // A final snapshot keeps only each partition's last attempt.
      int first = run.fromFinalSnapshot() ? Math.max(1, p.attempt()) : 1;
      for (int attempt = first; attempt <= p.attempt(); attempt++) {
        jobs.add(JobEvidence.of(run, p, attempt));
      }
    }
    CostView c = run.cost();
    return new RunEvidence(
        "RunEvidence",
        SCHEMA_VERSION,
        generatedAt,
        run.runId(),
        run.planName(),
        run.planSource(),
        run.jobTemplate(),
        run.jobTemplate() == null ? null : sha256(canonical(run.jobTemplate())),
        run.requestedBy(),
        run.startedAt(),
        run.completedAt(),
        run.outcome().name(),
        run.total(),
        new TreeMap<>(run.byState()),
        c == null ? null : new Cost(c.currency(), c.cap(), c.spent(), c.reserved()),
        run.actions(),
        jobs,
        run.capEvents(),
        run.ledger(),
        run.fromFinalSnapshot() ? Boolean.TRUE : null,
        run.fromFinalSnapshot() ? FINAL_SNAPSHOT_NOTE : null);
  }

  static String canonical(JsonNode node) {
    return Json.toString(sorted(node));
  }

  private static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      TreeMap<String, JsonNode> fields = new TreeMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        fields.put(e.getKey(), sorted(e.getValue()));
      }
      fields.forEach(out::set);
      return out;
    }
    if (node.isArray()) {
      var out = JsonNodeFactory.instance.arrayNode();
      node.forEach(n -> out.add(sorted(n)));
      return out;
    }
    return node;
  }

  static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
