package io.partitrain.orchestrator.console.api;

import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.POST;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.partitrain.orchestrator.console.auth.Principal;
import io.partitrain.orchestrator.console.auth.Role;
import io.partitrain.orchestrator.console.view.ConsoleReader;
import io.partitrain.orchestrator.console.view.ConsoleSnapshot;
import io.partitrain.orchestrator.console.view.CostView;
import io.partitrain.orchestrator.console.view.PartitionView;
import io.partitrain.orchestrator.console.view.RunDetails;
import io.partitrain.orchestrator.console.view.RunView;
import io.partitrain.orchestrator.console.view.RunsFold;
import io.partitrain.orchestrator.finops.FinOpsReport;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.contracts.Money;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.contracts.ScheduleSpec;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.serde.Json;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The console's HTTP JSON API under {@value #BASE}: reads from the instance's own {@link
 * ConsoleReader}, writes become commands on the commands topic whose {@code requestedBy} is the
 * authenticated principal. Every endpoint and the role it needs is in {@link #endpoints()}.
 */
public final class ConsoleApi {

  public static final String BASE = "/api/v1";
  public static final int DEFAULT_PAGE_SIZE = 100;
  public static final int MAX_PAGE_SIZE = 1000;
  public static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(15);

  /** Where the authenticating filter leaves the caller for the handlers. */
  public static final String PRINCIPAL = "partitrain.principal";

  private static final Pattern ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$");
  private static final Pattern TARGET = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$");
  private static final int MAX_REASON = 500;

  private final ConsoleReader reader;
  private final CommandGateway commands;
  private final JobLogs logs;
  private final RunDetails details;
  private final Clock clock;

  /**
   * @param details where the detail of a finished run beyond the console's memory bound is read
   */
  public ConsoleApi(
      ConsoleReader reader,
      CommandGateway commands,
      JobLogs logs,
      RunDetails details,
      Clock clock) {
    this.reader = reader;
    this.commands = commands;
    this.logs = logs;
    this.details = details;
    this.clock = clock;
  }

  /** Every endpoint, the role it needs and what it does. */
  public List<Endpoint> endpoints() {
    return List.of(
        new Endpoint(
            GET, BASE + "/whoami", Role.VIEWER, "the caller and their roles", this::whoami),
        new Endpoint(GET, BASE + "/runs", Role.VIEWER, "runs, newest first", this::runs),
        new Endpoint(
            POST,
            BASE + "/runs",
            Role.OPERATOR,
            "start a run of a checked plan: {runId, definition, partitions, computes,"
                + " refuseOverCapacity}, as 'partitrain run start' builds it; the answer is the"
                + " RunStarted event",
            this::startRun),
        new Endpoint(
            GET,
            BASE + "/runs/{runId}",
            Role.VIEWER,
            "one run with counts; ?include=summary adds the orchestrator's published summary and"
                + " the accepted cancel, as 'partitrain run wait' reads them",
            this::run),
        new Endpoint(
            GET,
            BASE + "/runs/{runId}/partitions",
            Role.VIEWER,
            "partitions of a run: ?state=&failureClass=&tag=name:value&q=&limit=&cursor=",
            this::partitions),
        new Endpoint(
            GET,
            BASE + "/runs/{runId}/jobs/{partitionId}",
            Role.VIEWER,
            "a partition's job evidence: attempts, status history, cost, log location, metrics",
            this::job),
        new Endpoint(
            GET,
            BASE + "/runs/{runId}/jobs/{partitionId}/log",
            Role.VIEWER,
            "the tail of a local job's log (?lines=), or from a byte offset (?offset=, with"
                + " ?attempt=) as 'partitrain job logs --follow' reads it; or the Studio link of"
                + " an Azure ML job",
            this::log),
        new Endpoint(
            GET,
            BASE + "/runs/{runId}/finops",
            Role.FINOPS,
            "spent, reserved and cap over time, spend by tag, cap events",
            this::finops),
        new Endpoint(
            GET,
            BASE + "/runs/{runId}/finops/report",
            Role.FINOPS,
            "the run's FinOps report exactly as 'partitrain finops report' builds it from the"
                + " topics: cap, spent, reserved, remaining, spend by tag and failure class,"
                + " deferrals, cap events, ledger",
            this::finopsReport),
        new Endpoint(
            GET,
            BASE + "/finops/events",
            Role.FINOPS,
            "cost-cap and node-cap events across runs, oldest first (the latest "
                + RunsFold.MAX_CAP_EVENTS
                + "), each with its type, as 'partitrain finops events' reads them",
            this::allCapEvents),
        new Endpoint(
            GET,
            BASE + "/runs/{runId}/finops/ledger",
            Role.FINOPS,
            "the run's ledger; ?format=csv for CSV",
            this::ledger),
        new Endpoint(
            GET,
            BASE + "/runs/{runId}/finops/events",
            Role.FINOPS,
            "the run's cost-cap events with who and why; ?format=csv for CSV",
            this::capEvents),
        new Endpoint(
            GET,
            BASE + "/runs/{runId}/evidence",
            Role.FINOPS,
            "the run's audit bundle: job template and hash, every attempt's evidence, cap events,"
                + " ledger (schema: docs/run-evidence.schema.json)",
            ctx -> ctx.json(RunEvidence.of(requireDetail(ctx), clock.instant()))),
        new Endpoint(GET, BASE + "/schedules", Role.VIEWER, "schedules", this::schedules),
        new Endpoint(
            POST,
            BASE + "/schedules",
            Role.OPERATOR,
            "register or update a plan's schedule: {schedule, definition, partitions}, as"
                + " 'partitrain schedule apply' builds it; the answer is the ScheduleApplied event",
            this::applySchedule),
        new Endpoint(
            POST,
            BASE + "/runs/{runId}/rerun-failed",
            Role.OPERATOR,
            "rerun the run's failed partitions: {reason}",
            this::rerunFailed),
        new Endpoint(
            POST, BASE + "/runs/{runId}/cancel", Role.OPERATOR, "cancel: {reason}", this::cancel),
        new Endpoint(
            POST,
            BASE + "/runs/{runId}/cap/raise",
            Role.FINOPS,
            "raise the run's cost cap: {to, reason}; to must exceed the cap in force",
            this::capRaise),
        new Endpoint(
            POST,
            BASE + "/runs/{runId}/cap",
            Role.ADMIN,
            "set the run's cost cap to any value: {to, reason}",
            this::capSet),
        new Endpoint(
            POST,
            BASE + "/compute/{target}/node-cap",
            Role.ADMIN,
            "set a compute target's node cap: {nodes, reason}",
            this::nodeCap),
        new Endpoint(
            POST,
            BASE + "/schedules/{plan}/pause",
            Role.OPERATOR,
            "pause a schedule: {reason}",
            ctx -> schedulePaused(ctx, true)),
        new Endpoint(
            POST,
            BASE + "/schedules/{plan}/resume",
            Role.OPERATOR,
            "resume a schedule: {reason}",
            ctx -> schedulePaused(ctx, false)));
  }

  // ---- reads ------------------------------------------------------------------------------

  private void whoami(Context ctx) {
    Principal p = principal(ctx);
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

  private void runs(Context ctx) {
    ConsoleSnapshot s = reader.snapshot();
    String include = ctx.queryParam("include");
    if (include != null && !include.equals("summary")) {
      throw Problem.badRequest(
          "parameter 'include' must be 'summary' (the orchestrator's run summary), but was '"
              + include
              + "'");
    }
    List<Map<String, Object>> items = new ArrayList<>();
    for (RunView r : s.runs()) {
      Map<String, Object> item = runSummary(r);
      if (include != null) {
        // What 'partitrain run list' reads from the runs topic: the published summary, the cancel.
        item.put("summary", r.summary());
        item.put("cancel", r.cancel());
      }
      items.add(item);
    }
    ctx.json(Map.of("type", "RunList", "items", items, "asOf", s.asOf()));
  }

  private void run(Context ctx) {
    RunView r = requireRun(ctx);
    Map<String, Object> body = runSummary(r);
    body.put("type", "Run");
    body.put("attempts", r.attempts());
    body.put("requestedBy", r.requestedBy());
    body.put("actions", r.actions());
    body.put("failureClasses", new TreeMap<>(r.failureClasses()));
    String include = ctx.queryParam("include");
    if (include != null) {
      if (!include.equals("summary")) {
        throw Problem.badRequest(
            "parameter 'include' must be 'summary' (the orchestrator's run summary), but was '"
                + include
                + "'");
      }
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

  private void partitions(Context ctx) {
    RunView r = requireDetail(ctx);
    Predicate<PartitionView> filter = partitionFilter(ctx);
    int limit = intParam(ctx, "limit", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
    String after = decodeCursor(ctx.queryParam("cursor"));
    List<PartitionView> all = r.partitions();
    int from = after == null ? 0 : firstAfter(all, after);
    List<PartitionView> page = new ArrayList<>(Math.min(limit, 64));
    String next = null;
    for (int i = from; i < all.size(); i++) {
      PartitionView p = all.get(i);
      if (!filter.test(p)) {
        continue;
      }
      if (page.size() == limit) {
        next = encodeCursor(page.get(page.size() - 1).partitionId());
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

  private static int firstAfter(List<PartitionView> sorted, String id) {
    int lo = 0;
    int hi = sorted.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted.get(mid).partitionId().compareTo(id) <= 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static Predicate<PartitionView> partitionFilter(Context ctx) {
    Predicate<PartitionView> f = p -> true;
    String state = ctx.queryParam("state");
    if (state != null && !state.isBlank()) {
      List<PartitionState> states = new ArrayList<>();
      for (String s : state.split(",")) {
        states.add(enumParam(PartitionState.class, "state", s.trim()));
      }
      f = f.and(p -> states.contains(p.state()));
    }
    String failure = ctx.queryParam("failureClass");
    if (failure != null && !failure.isBlank()) {
      FailureClass fc = enumParam(FailureClass.class, "failureClass", failure.trim());
      f = f.and(p -> p.failureClass() == fc);
    }
    String tag = ctx.queryParam("tag");
    if (tag != null && !tag.isBlank()) {
      int colon = tag.indexOf(':');
      if (colon <= 0) {
        throw Problem.badRequest(
            "query parameter 'tag' must be name:value (region:north), but was '" + tag + "'");
      }
      String name = tag.substring(0, colon);
      String value = tag.substring(colon + 1);
      f = f.and(p -> value.equals(p.tags().get(name)));
    }
    String q = ctx.queryParam("q");
    if (q != null && !q.isBlank()) {
      String needle = q.toLowerCase(Locale.ROOT);
      f = f.and(p -> p.partitionId().toLowerCase(Locale.ROOT).contains(needle));
    }
    return f;
  }

  private void job(Context ctx) {
    RunView r = requireDetail(ctx);
    PartitionView p = requirePartition(ctx, r);
    int attempt = intParam(ctx, "attempt", p.attempt(), 1, Integer.MAX_VALUE);
    ctx.json(JobEvidence.of(r, p, attempt));
  }

  private void log(Context ctx) {
    RunView r = requireDetail(ctx);
    PartitionView p = requirePartition(ctx, r);
    int attempt = intParam(ctx, "attempt", p.attempt(), 1, Math.max(1, p.attempt()));
    var submission = r.submission(p.partitionId(), attempt);
    String workerLogUrl = submission == null ? null : submission.logUrl();
    String offset = ctx.queryParam("offset");
    if (offset != null) {
      long from = longParam("offset", offset);
      ctx.json(logs.chunk(r.runId(), p, attempt, workerLogUrl, from));
      return;
    }
    if (attempt != p.attempt()) {
      throw Problem.badRequest(
          "query parameter 'attempt' goes with 'offset' (a whole log from the start); the tail"
              + " (?lines=) is of the current attempt, "
              + p.attempt());
    }
    int lines = intParam(ctx, "lines", JobLogs.DEFAULT_LINES, 1, JobLogs.MAX_LINES);
    ctx.json(logs.tail(p, workerLogUrl, lines));
  }

  private static long longParam(String name, String v) {
    try {
      long n = Long.parseLong(v);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw Problem.badRequest(
        "query parameter '" + name + "' must be a byte offset, at least 0, but was '" + v + "'");
  }

  private void finops(Context ctx) {
    RunView r = requireDetail(ctx);
    CostView c = requireCost(r);
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

  private void finopsReport(Context ctx) {
    RunView r = requireDetail(ctx);
    if (r.fromFinalSnapshot()) {
      // The report is built from the cost decisions, which aged out; a partial one would mislead.
      throw Problem.gone(
          "run '"
              + r.runId()
              + "' is past the runs topic's retention (PARTITRAIN_RUNS_RETENTION): its cost"
              + " decisions (cap changes, reservations, deferrals) are gone from it. Its final cap,"
              + " spent and reserved are at "
              + BASE
              + "/runs/"
              + r.runId()
              + ", and what the FinOps topic still holds at "
              + BASE
              + "/runs/"
              + r.runId()
              + "/finops/ledger and /finops/events");
    }
    ctx.json(FinOpsReport.of(r.runId(), r.costEvents(), r.finopsRecords()));
  }

  private void allCapEvents(Context ctx) {
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

  private void ledger(Context ctx) {
    RunView r = requireDetail(ctx);
    requireCost(r);
    if ("csv".equals(ctx.queryParam("format"))) {
      ctx.contentType("text/csv; charset=utf-8");
      ctx.header("Content-Disposition", "attachment; filename=\"" + r.runId() + "-ledger.csv\"");
      ctx.result(Csv.ledger(r.ledger()));
      return;
    }
    ctx.json(Map.of("type", "Ledger", "runId", r.runId(), "items", r.ledger()));
  }

  private void capEvents(Context ctx) {
    RunView r = requireDetail(ctx);
    if ("csv".equals(ctx.queryParam("format"))) {
      ctx.contentType("text/csv; charset=utf-8");
      ctx.header(
          "Content-Disposition", "attachment; filename=\"" + r.runId() + "-cap-events.csv\"");
      ctx.result(Csv.capEvents(r.runId(), r.capEvents()));
      return;
    }
    ctx.json(Map.of("type", "CapEventList", "runId", r.runId(), "items", r.capEvents()));
  }

  private void schedules(Context ctx) {
    ctx.json(Map.of("type", "ScheduleList", "items", reader.snapshot().schedules()));
  }

  // ---- writes: commands with the authenticated principal as requestedBy --------------------

  /**
   * {@code run start} through the console: the body is the start command as the CLI built it from a
   * checked plan; the caller's token replaces whatever {@code requestedBy} it names, and the
   * orchestrator checks it as it checks every start (its answer decides 200 or 409).
   */
  private void startRun(Context ctx) {
    RunCommand.StartRun given = command(body(ctx), "StartRun", RunCommand.StartRun.class);
    String runId = given.runId();
    if (runId == null || !ID.matcher(runId).matches()) {
      throw Problem.badRequest("field 'runId' must match " + ID.pattern() + ", but was " + runId);
    }
    requireDefinition(given.definition(), given.partitions());
    Principal p = principal(ctx);
    send(
        ctx,
        runId,
        new RunCommand.StartRun(
            Schema.VERSION,
            commandId(),
            runId,
            given.definition(),
            given.partitions(),
            p.requestedBy(),
            clock.instant(),
            given.computes(),
            given.refuseOverCapacity()));
  }

  /** {@code schedule apply} through the console, with the caller's token as {@code requestedBy}. */
  private void applySchedule(Context ctx) {
    RunCommand.ApplySchedule given =
        command(body(ctx), "ApplySchedule", RunCommand.ApplySchedule.class);
    if (given.schedule() == null) {
      throw Problem.badRequest("field 'schedule' is required: the plan's schedule section");
    }
    requireDefinition(given.definition(), given.partitions());
    String plan = given.definition().planName();
    if (plan == null || !ID.matcher(plan).matches()) {
      throw Problem.badRequest(
          "field 'definition.planName' must match " + ID.pattern() + ", but was " + plan);
    }
    Principal p = principal(ctx);
    String key = ScheduleSpec.key(plan);
    send(
        ctx,
        key,
        new RunCommand.ApplySchedule(
            Schema.VERSION,
            commandId(),
            key,
            given.schedule(),
            given.definition(),
            given.partitions(),
            p.requestedBy(),
            clock.instant()));
  }

  private static void requireDefinition(
      io.partitrain.shared.contracts.RunDefinition definition,
      List<io.partitrain.shared.contracts.PartitionSpec> partitions) {
    if (definition == null) {
      throw Problem.badRequest("field 'definition' is required: the checked plan");
    }
    if (partitions.isEmpty()) {
      throw Problem.badRequest("field 'partitions' must name at least one partition");
    }
  }

  /**
   * A command body read as the contract type; ids, principal and times in it are ignored (the
   * console sets them).
   */
  private static <T extends RunCommand> T command(JsonNode body, String type, Class<T> as) {
    com.fasterxml.jackson.databind.node.ObjectNode o =
        ((com.fasterxml.jackson.databind.node.ObjectNode) body).deepCopy();
    o.put("type", type);
    o.put("schemaVersion", Schema.VERSION);
    try {
      return as.cast(Json.mapper().treeToValue(o, RunCommand.class));
    } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
      throw Problem.badRequest(
          "the body is not a "
              + type
              + " command: "
              + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  private void rerunFailed(Context ctx) {
    RunView r = requireRun(ctx);
    String reason = reason(ctx);
    Principal p = principal(ctx);
    send(
        ctx,
        r.runId(),
        new RunCommand.RerunFailed(
            Schema.VERSION, commandId(), r.runId(), p.requestedBy(), reason, clock.instant()));
  }

  private void cancel(Context ctx) {
    RunView r = requireRun(ctx);
    String reason = reason(ctx);
    Principal p = principal(ctx);
    send(
        ctx,
        r.runId(),
        new RunCommand.CancelRun(
            Schema.VERSION, commandId(), r.runId(), p.requestedBy(), reason, clock.instant()));
  }

  private void capRaise(Context ctx) {
    RunView r = requireRun(ctx);
    JsonNode body = body(ctx);
    BigDecimal to = money(body);
    String reason = reason(body);
    CostView c = requireCost(r);
    if (c.cap() != null && to.compareTo(c.cap()) <= 0) {
      throw Problem.badRequest(
          "field 'to' must be greater than the cap in force ("
              + Money.format(c.cap(), c.currency())
              + " "
              + c.currency()
              + ") to raise it, but was "
              + to.toPlainString()
              + "; lowering a cap takes the admin role (POST "
              + BASE
              + "/runs/{runId}/cap)");
    }
    setCap(ctx, r, to, reason);
  }

  private void capSet(Context ctx) {
    RunView r = requireRun(ctx);
    JsonNode body = body(ctx);
    setCap(ctx, r, money(body), reason(body));
  }

  private void setCap(Context ctx, RunView r, BigDecimal to, String reason) {
    Principal p = principal(ctx);
    send(
        ctx,
        r.runId(),
        new RunCommand.SetCostCap(
            Schema.VERSION, commandId(), r.runId(), to, p.requestedBy(), reason, clock.instant()));
  }

  private void nodeCap(Context ctx) {
    String target = ctx.pathParam("target");
    if (!TARGET.matcher(target).matches()) {
      throw Problem.badRequest(
          "compute target '" + target + "' must match " + TARGET.pattern() + " (cpu-cluster)");
    }
    JsonNode body = body(ctx);
    JsonNode nodes = body.get("nodes");
    if (nodes == null || !nodes.canConvertToInt() || nodes.asInt() < 0) {
      throw Problem.badRequest(
          "field 'nodes' must be a whole number of nodes, at least 0, but was " + nodes);
    }
    Principal p = principal(ctx);
    String key = RunCommand.SetNodeCap.keyOf(target);
    send(
        ctx,
        key,
        new RunCommand.SetNodeCap(
            Schema.VERSION,
            commandId(),
            key,
            target,
            nodes.asInt(),
            p.requestedBy(),
            reason(body),
            clock.instant()));
  }

  private void schedulePaused(Context ctx, boolean paused) {
    String plan = ctx.pathParam("plan");
    if (reader.snapshot().schedules().stream().noneMatch(s -> s.planName().equals(plan))) {
      throw Problem.notFound("no schedule for plan '" + plan + "'");
    }
    Principal p = principal(ctx);
    String key = ScheduleSpec.key(plan);
    send(
        ctx,
        key,
        new RunCommand.SetSchedulePaused(
            Schema.VERSION,
            commandId(),
            key,
            plan,
            paused,
            p.requestedBy(),
            reason(ctx),
            clock.instant()));
  }

  private void send(Context ctx, String key, RunCommand command) {
    commands.send(key, command);
    Optional<RunEvent.Answer> answer;
    try {
      answer = reader.awaitAnswer(command.commandId(), ANSWER_TIMEOUT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Problem.noAnswer("interrupted while waiting for the answer");
    }
    if (answer.isEmpty()) {
      throw Problem.noAnswer(
          command.getClass().getSimpleName()
              + " "
              + command.commandId()
              + " was sent, but no orchestrator answered within "
              + ANSWER_TIMEOUT.toSeconds()
              + "s; is a leader running?");
    }
    if (answer.get() instanceof RunEvent.CommandRejected rejected) {
      throw Problem.rejected(rejected.reason());
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "CommandAnswer");
    body.put("commandId", command.commandId());
    body.put("requestedBy", command.requestedBy());
    // Written as a RunEvent, so the answer carries its type like on the runs topic.
    body.put("event", Json.mapper().valueToTree(new RunEventHolder(answer.get())).get("event"));
    body.put("eventType", answer.get().getClass().getSimpleName());
    ctx.json(body);
  }

  /** Declares the field as a {@link RunEvent}, so Jackson writes the type id with it. */
  private record RunEventHolder(RunEvent event) {}

  private String commandId() {
    return "console-" + UUID.randomUUID();
  }

  // ---- parameters -------------------------------------------------------------------------

  static Principal principal(Context ctx) {
    Principal p = ctx.attribute(PRINCIPAL);
    if (p == null) {
      throw Problem.unauthorized("no authenticated caller");
    }
    return p;
  }

  private RunView requireRun(Context ctx) {
    String runId = ctx.pathParam("runId");
    if (!ID.matcher(runId).matches()) {
      throw Problem.badRequest("run id '" + runId + "' must match " + ID.pattern());
    }
    return reader
        .snapshot()
        .run(runId)
        .orElseThrow(
            () ->
                Problem.notFound(
                    "no run '"
                        + runId
                        + "' on the runs topic or the state topic; if it ran, its decisions are"
                        + " past the runs topic's retention (PARTITRAIN_RUNS_RETENTION) and its"
                        + " final snapshot past PARTITRAIN_FINISHED_RUN_RETENTION"));
  }

  /**
   * A run with its partitions, jobs, ledger and evidence: a finished run beyond the console's
   * memory bound keeps its summary only in memory, and its detail is read from the topics.
   */
  private RunView requireDetail(Context ctx) {
    RunView r = requireRun(ctx);
    return details
        .withDetail(r)
        .orElseThrow(
            () ->
                Problem.gone(
                    "run '"
                        + r.runId()
                        + "' finished before the last runs this console keeps in detail"
                        + " (PARTITRAIN_CONSOLE_RETAINED_RUNS), and its decisions are no longer on"
                        + " the runs topic (PARTITRAIN_RUNS_RETENTION); its summary is at "
                        + BASE
                        + "/runs/"
                        + r.runId()));
  }

  private static PartitionView requirePartition(Context ctx, RunView r) {
    String id = ctx.pathParam("partitionId");
    if (!ID.matcher(id).matches()) {
      throw Problem.badRequest("partition id '" + id + "' must match " + ID.pattern());
    }
    List<PartitionView> all = r.partitions();
    int i = firstAfter(all, id) - 1;
    if (i < 0 || !all.get(i).partitionId().equals(id)) {
      throw Problem.notFound("run '" + r.runId() + "' has no partition '" + id + "'");
    }
    return all.get(i);
  }

  private static CostView requireCost(RunView r) {
    if (r.cost() == null) {
      throw Problem.notFound(
          "run '" + r.runId() + "' has no prices (its plan has no budget section)");
    }
    return r.cost();
  }

  private static JsonNode body(Context ctx) {
    String text = ctx.body();
    if (text.isBlank()) {
      throw Problem.badRequest("a JSON body is required");
    }
    try {
      JsonNode node = Json.mapper().readTree(text);
      if (node == null || !node.isObject()) {
        throw Problem.badRequest("the body must be a JSON object");
      }
      return node;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw Problem.badRequest("the body is not JSON: " + e.getOriginalMessage());
    }
  }

  private static String reason(Context ctx) {
    return reason(body(ctx));
  }

  private static String reason(JsonNode body) {
    JsonNode r = body.get("reason");
    if (r == null || !r.isTextual() || r.asText().isBlank()) {
      throw Problem.badRequest(
          "field 'reason' is required: say why, it is recorded with the event");
    }
    String text = r.asText().strip();
    if (text.length() > MAX_REASON) {
      throw Problem.badRequest(
          "field 'reason' must be at most " + MAX_REASON + " characters, but was " + text.length());
    }
    return text;
  }

  private static BigDecimal money(JsonNode body) {
    JsonNode to = body.get("to");
    BigDecimal v;
    try {
      v = to == null ? null : new BigDecimal(to.asText());
    } catch (NumberFormatException e) {
      v = null;
    }
    if (v == null || v.signum() < 0) {
      throw Problem.badRequest(
          "field 'to' must be an amount of money, at least 0 (150.00), but was " + to);
    }
    return v;
  }

  private static int intParam(Context ctx, String name, int dflt, int min, int max) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v);
      if (n < min || n > max) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw Problem.badRequest(
          "query parameter '"
              + name
              + "' must be a whole number from "
              + min
              + " to "
              + max
              + ", but was '"
              + v
              + "'");
    }
  }

  private static <E extends Enum<E>> E enumParam(Class<E> type, String name, String value) {
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw Problem.badRequest(
          "query parameter '"
              + name
              + "' must be one of "
              + java.util.Arrays.toString(type.getEnumConstants())
              + ", but was '"
              + value
              + "'");
    }
  }

  private static String encodeCursor(String partitionId) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(partitionId.getBytes(StandardCharsets.UTF_8));
  }

  private static String decodeCursor(String cursor) {
    if (cursor == null || cursor.isBlank()) {
      return null;
    }
    try {
      return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw Problem.badRequest(
          "query parameter 'cursor' must be a nextCursor this API returned, but was '"
              + cursor
              + "'");
    }
  }
}
