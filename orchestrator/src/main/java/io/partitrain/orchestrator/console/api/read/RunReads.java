package io.partitrain.orchestrator.console.api.read;

import io.javalin.http.Context;
import io.partitrain.orchestrator.console.api.request.Callers;
import io.partitrain.orchestrator.console.api.request.Cursors;
import io.partitrain.orchestrator.console.api.request.QueryParams;
import io.partitrain.orchestrator.console.api.request.RunLookup;
import io.partitrain.orchestrator.console.auth.Principal;
import io.partitrain.orchestrator.console.view.ConsoleReader;
import io.partitrain.orchestrator.console.view.ConsoleSnapshot;
import io.partitrain.orchestrator.console.view.CostView;
import io.partitrain.orchestrator.console.view.PartitionView;
import io.partitrain.orchestrator.console.view.RunView;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunSummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/** The read endpoints of runs, their partitions and schedules, and of the caller. */
public final class RunReads {

  public static final int DEFAULT_PAGE_SIZE = 100;
  public static final int MAX_PAGE_SIZE = 1000;

  private final ConsoleReader reader;
  private final RunLookup lookup;

  public RunReads(ConsoleReader reader, RunLookup lookup) {
    this.reader = reader;
    this.lookup = lookup;
  }

  public void whoami(Context ctx) {
    Principal p = Callers.principal(ctx);
    ctx.json(
        Map.of(
            "type",
            "Principal",
            "subject",
            p.subject(),
            "name",
            p.name() == null ? "" : p.name(),
            "roles",
            p.roles().stream().map(r -> r.name().toLowerCase(Locale.ROOT)).sorted().toList()));
  }

  public void runs(Context ctx) {
    ConsoleSnapshot s = reader.snapshot();
    boolean withSummary = QueryParams.includesSummary(ctx);
    List<Map<String, Object>> items = new ArrayList<>();
    for (RunView r : s.runs()) {
      Map<String, Object> item = runSummary(r);
      if (withSummary) {
        // What 'partitrain run list' reads from the runs topic: the published summary, the cancel.
        item.put("summary", r.summary());
        item.put("cancel", r.cancel());
      }
      items.add(item);
    }
    ctx.json(Map.of("type", "RunList", "items", items, "asOf", s.asOf()));
  }

  public void run(Context ctx) {
    RunView r = lookup.requireRun(ctx);
    Map<String, Object> body = runSummary(r);
    body.put("type", "Run");
    body.put("attempts", r.attempts());
    body.put("requestedBy", r.requestedBy());
    body.put("actions", r.actions());
    body.put("failureClasses", new TreeMap<>(r.failureClasses()));
    if (QueryParams.includesSummary(ctx)) {
      body.put("summary", r.summary());
      body.put("cancel", r.cancel());
      body.put("warnings", r.warnings());
      body.put("deadlineAtRisk", r.deadlineAtRisk());
    }
    if (r.detailEvicted()) {
      body.put("detailEvicted", true);
    }
    ctx.json(body);
  }

  private static Map<String, Object> runSummary(RunView r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "RunSummary");
    m.put("runId", r.runId());
    m.put("planName", r.planName());
    m.put("outcome", r.outcome());
    m.put("complete", r.complete());
    m.put("total", r.total());
    m.put("byState", new TreeMap<>(r.byState()));
    m.put("retryPending", r.retryPending());
    m.put("startedAt", r.startedAt());
    m.put("completedAt", r.completedAt());
    if (r.fromFinalSnapshot()) {
      // Its decisions are past the runs topic's retention: read from its final snapshot.
      m.put("fromFinalSnapshot", true);
    }
    CostView c = r.cost();
    if (c != null) {
      Map<String, Object> cost = new LinkedHashMap<>();
      cost.put("currency", c.currency());
      cost.put("cap", c.cap());
      cost.put("spent", c.spent());
      cost.put("reserved", c.reserved());
      m.put("cost", cost);
    }
    return m;
  }

  public void partitions(Context ctx) {
    RunView r = lookup.requireDetail(ctx);
    Predicate<PartitionView> filter = PartitionFilter.of(ctx);
    int limit = QueryParams.intParam(ctx, "limit", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
    String after = Cursors.decode(ctx.queryParam("cursor"));
    List<PartitionView> all = r.partitions();
    int from = after == null ? 0 : Cursors.firstAfter(all, after);
    List<PartitionView> page = new ArrayList<>(Math.min(limit, 64));
    String next = null;
    for (int i = from; i < all.size(); i++) {
      PartitionView p = all.get(i);
      if (!filter.test(p)) {
        continue;
      }
      if (page.size() == limit) {
        next = Cursors.encode(page.get(page.size() - 1).partitionId());
        break;
      }
      page.add(shown(p, r));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "PartitionPage");
    body.put("runId", r.runId());
    body.put("total", r.total());
    if (r.fromFinalSnapshot()) {
      body.put("fromFinalSnapshot", true);
    }
    body.put("items", page);
    body.put("nextCursor", next);
    ctx.json(body);
  }

  /**
   * A partition as the page lists it: one waiting for budget says what the budget is now, not what
   * it was when the partition was deferred (the reason recorded then goes stale with a cap raise or
   * a finished attempt), as {@code run show} says it.
   */
  private static PartitionView shown(PartitionView p, RunView r) {
    CostView c = r.cost();
    if (p.state() != PartitionState.DEFERRED_BY_COST || c == null || c.cap() == null) {
      return p;
    }
    return p.withReason(
        new RunSummary.Budget(c.cap(), c.currency(), c.spent(), c.reserved(), null).waitReason());
  }

  public void schedules(Context ctx) {
    ctx.json(Map.of("type", "ScheduleList", "items", reader.snapshot().schedules()));
  }
}
