package io.partitrain.orchestrator.console.api.request;

import io.javalin.http.Context;
import io.partitrain.orchestrator.console.view.ConsoleReader;
import io.partitrain.orchestrator.console.view.CostView;
import io.partitrain.orchestrator.console.view.PartitionView;
import io.partitrain.orchestrator.console.view.RunDetails;
import io.partitrain.orchestrator.console.view.RunView;
import java.util.List;

/**
 * The run (and partition) a request's path names, checked and found, or the 400, 404 or 410 that
 * says why not.
 */
public final class RunLookup {

  private final ConsoleReader reader;
  private final RunDetails details;

  /**
   * @param details where the detail of a finished run beyond the console's memory bound is read
   */
  public RunLookup(ConsoleReader reader, RunDetails details) {
    this.reader = reader;
    this.details = details;
  }

  public RunView requireRun(Context ctx) {
    String runId = ctx.pathParam("runId");
    if (!ApiPaths.ID.matcher(runId).matches()) {
      throw Problem.badRequest("run id '" + runId + "' must match " + ApiPaths.ID.pattern());
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
  public RunView requireDetail(Context ctx) {
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
                        + ApiPaths.BASE
                        + "/runs/"
                        + r.runId()));
  }

  public static PartitionView requirePartition(Context ctx, RunView r) {
    String id = ctx.pathParam("partitionId");
    if (!ApiPaths.ID.matcher(id).matches()) {
      throw Problem.badRequest("partition id '" + id + "' must match " + ApiPaths.ID.pattern());
    }
    List<PartitionView> all = r.partitions();
    int i = Cursors.firstAfter(all, id) - 1;
    if (i < 0 || !all.get(i).partitionId().equals(id)) {
      throw Problem.notFound("run '" + r.runId() + "' has no partition '" + id + "'");
    }
    return all.get(i);
  }

  public static CostView requireCost(RunView r) {
    if (r.cost() == null) {
      throw Problem.notFound(
          "run '" + r.runId() + "' has no prices (its plan has no budget section)");
    }
    return r.cost();
  }
}
