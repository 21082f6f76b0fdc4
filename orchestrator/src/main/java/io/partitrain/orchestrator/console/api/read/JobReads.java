package io.partitrain.orchestrator.console.api.read;

import io.javalin.http.Context;
import io.partitrain.orchestrator.console.api.request.Problem;
import io.partitrain.orchestrator.console.api.request.QueryParams;
import io.partitrain.orchestrator.console.api.request.RunLookup;
import io.partitrain.orchestrator.console.view.PartitionView;
import io.partitrain.orchestrator.console.view.RunView;
import java.time.Clock;

/** The read endpoints of one partition's job: its evidence, its log, and the run's evidence. */
public final class JobReads {

  private final RunLookup lookup;
  private final JobLogs logs;
  private final Clock clock;

  public JobReads(RunLookup lookup, JobLogs logs, Clock clock) {
    this.lookup = lookup;
    this.logs = logs;
    this.clock = clock;
  }

  public void job(Context ctx) {
    RunView r = lookup.requireDetail(ctx);
    PartitionView p = RunLookup.requirePartition(ctx, r);
    int attempt = QueryParams.intParam(ctx, "attempt", p.attempt(), 1, Integer.MAX_VALUE);
    ctx.json(JobEvidence.of(r, p, attempt));
  }

  public void log(Context ctx) {
    RunView r = lookup.requireDetail(ctx);
    PartitionView p = RunLookup.requirePartition(ctx, r);
    int attempt = QueryParams.intParam(ctx, "attempt", p.attempt(), 1, Math.max(1, p.attempt()));
    var submission = r.submission(p.partitionId(), attempt);
    String workerLogUrl = submission == null ? null : submission.logUrl();
    String offset = ctx.queryParam("offset");
    if (offset != null) {
      long from = QueryParams.offsetParam("offset", offset);
      ctx.json(logs.chunk(r.runId(), p, attempt, workerLogUrl, from));
      return;
    }
    if (attempt != p.attempt()) {
      throw Problem.badRequest(
          "query parameter 'attempt' goes with 'offset' (a whole log from the start); the tail"
              + " (?lines=) is of the current attempt, "
              + p.attempt());
    }
    int lines = QueryParams.intParam(ctx, "lines", JobLogs.DEFAULT_LINES, 1, JobLogs.MAX_LINES);
    ctx.json(logs.tail(p, workerLogUrl, lines));
  }

  /** The run's audit bundle. */
  public void evidence(Context ctx) {
    ctx.json(RunEvidence.of(lookup.requireDetail(ctx), clock.instant()));
  }
}
