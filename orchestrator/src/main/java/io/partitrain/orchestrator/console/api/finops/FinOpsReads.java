package io.partitrain.orchestrator.console.api.finops;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.partitrain.orchestrator.console.api.request.ApiPaths;
import io.partitrain.orchestrator.console.api.request.Problem;
import io.partitrain.orchestrator.console.api.request.RunLookup;
import io.partitrain.orchestrator.console.view.ConsoleReader;
import io.partitrain.orchestrator.console.view.ConsoleSnapshot;
import io.partitrain.orchestrator.console.view.CostView;
import io.partitrain.orchestrator.console.view.RunView;
import io.partitrain.orchestrator.finops.FinOpsReport;
import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.serde.Json;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The FinOps read endpoints: spend over time and by tag, the report, the ledger, cap events. */
public final class FinOpsReads {

  private final ConsoleReader reader;
  private final RunLookup lookup;

  public FinOpsReads(ConsoleReader reader, RunLookup lookup) {
    this.reader = reader;
    this.lookup = lookup;
  }

  public void finops(Context ctx) {
    RunView r = lookup.requireDetail(ctx);
    CostView c = RunLookup.requireCost(r);
    Map<String, Map<String, BigDecimal>> byTag = new TreeMap<>();
    for (FinOpsRecord.LedgerEntry e : r.ledger()) {
      for (Map.Entry<String, String> t : e.tags().entrySet()) {
        byTag
            .computeIfAbsent(t.getKey(), k -> new TreeMap<>())
            .merge(t.getValue(), e.cost(), BigDecimal::add);
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "FinOpsReport");
    body.put("runId", r.runId());
    body.put("currency", c.currency());
    body.put("cap", c.cap());
    body.put("spent", c.spent());
    body.put("reserved", c.reserved());
    body.put("deferred", r.count(PartitionState.DEFERRED_BY_COST));
    body.put("spendByTag", byTag);
    body.put("timeline", c.timeline());
    body.put("capEvents", r.capEvents());
    ctx.json(body);
  }

  public void report(Context ctx) {
    RunView r = lookup.requireDetail(ctx);
    if (r.fromFinalSnapshot()) {
      // The report is built from the cost decisions, which aged out; a partial one would mislead.
      String run = ApiPaths.BASE + "/runs/" + r.runId();
      throw Problem.gone(
          "run '"
              + r.runId()
              + "' is past the runs topic's retention (PARTITRAIN_RUNS_RETENTION): its cost"
              + " decisions (cap changes, reservations, deferrals) are gone from it. Its final cap,"
              + " spent and reserved are at "
              + run
              + ", and what the FinOps topic still holds at "
              + run
              + "/finops/ledger and /finops/events");
    }
    ctx.json(FinOpsReport.of(r.runId(), r.costEvents(), r.finopsRecords()));
  }

  public void allCapEvents(Context ctx) {
    ConsoleSnapshot s = reader.snapshot();
    List<JsonNode> items = new ArrayList<>(s.capEvents().size());
    for (FinOpsRecord.CapEvent e : s.capEvents()) {
      // Written as a FinOps record, so each carries its type as on the topic.
      items.add(Json.mapper().valueToTree(new FinOpsRecordHolder(e)).get("record"));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "CapEventList");
    body.put("items", items);
    body.put("olderDropped", s.olderCapEventsDropped());
    ctx.json(body);
  }

  /** Declares the field as a {@link FinOpsRecord}, so Jackson writes the type id with it. */
  private record FinOpsRecordHolder(FinOpsRecord record) {}

  public void ledger(Context ctx) {
    RunView r = lookup.requireDetail(ctx);
    RunLookup.requireCost(r);
    if ("csv".equals(ctx.queryParam("format"))) {
      ctx.contentType("text/csv; charset=utf-8");
      ctx.header("Content-Disposition", "attachment; filename=\"" + r.runId() + "-ledger.csv\"");
      ctx.result(Csv.ledger(r.ledger()));
      return;
    }
    ctx.json(Map.of("type", "Ledger", "runId", r.runId(), "items", r.ledger()));
  }

  public void capEvents(Context ctx) {
    RunView r = lookup.requireDetail(ctx);
    if ("csv".equals(ctx.queryParam("format"))) {
      ctx.contentType("text/csv; charset=utf-8");
      ctx.header(
          "Content-Disposition", "attachment; filename=\"" + r.runId() + "-cap-events.csv\"");
      ctx.result(Csv.capEvents(r.runId(), r.capEvents()));
      return;
    }
    ctx.json(Map.of("type", "CapEventList", "runId", r.runId(), "items", r.capEvents()));
  }
}
