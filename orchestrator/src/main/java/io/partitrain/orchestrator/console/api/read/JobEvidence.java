package io.partitrain.orchestrator.console.api.read;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.partitrain.orchestrator.console.api.request.Problem;
import io.partitrain.orchestrator.console.view.PartitionView;
import io.partitrain.orchestrator.console.view.RunView;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.SubmittedJob;
import io.partitrain.shared.plan.JobTemplate;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * What the console knows about one attempt of one partition, from the decisions and the ledger: the
 * evidence an auditor asks for (what ran, where, how it ended, what it cost, where its log is).
 *
 * @param renderedJob the run's job.yml rendered for this partition and run, as the worker received
 *     it (secrets stay placeholders: workers resolve them)
 * @param renderNote why {@code renderedJob} is missing, when it is
 * @param statusHistory every transition of this attempt, oldest first
 * @param logLocation a local log path, or the Azure ML Studio link
 * @param workerId the worker that created the job, as it reported itself
 * @param submission the job as its worker submitted it: code location and content hash, inputs and
 *     outputs as resolved, the backend's request body (Azure ML: the ARM PUT, secret-looking values
 *     redacted); absent when the worker did not report it (an older worker, or a job that was
 *     adopted before its creator reported it)
 * @param studioUrl the attempt's page in Azure ML Studio, as its worker reported it; absent for a
 *     backend without one, and for an earlier attempt
 * @param fromFinalSnapshot true when the run's decisions are past the runs topic's retention and
 *     this is read from its final snapshot: the attempt's state, failure, job, log and metrics,
 *     without its status history; absent otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobEvidence(
    String type,
    String runId,
    String partitionId,
    int attempt,
    int attempts,
    String jobName,
    PartitionState state,
    FailureClass failureClass,
    String reason,
    Map<String, String> tags,
    List<PartitionView.Transition> statusHistory,
    String computeTarget,
    String instanceType,
    Integer nodes,
    Double billableSeconds,
    BigDecimal pricePerNodeHour,
    BigDecimal cost,
    String currency,
    String logLocation,
    Map<String, Double> metrics,
    String planName,
    JobSpec renderedJob,
    String renderNote,
    String workerId,
    SubmittedJob submission,
    String studioUrl,
    Boolean fromFinalSnapshot) {

  /** The evidence of {@code attempt} of {@code p}. */
  public static JobEvidence of(RunView run, PartitionView p, int attempt) {
    if (attempt > p.attempt()) {
      throw Problem.notFound(
          "partition '"
              + p.partitionId()
              + "' of run '"
              + run.runId()
              + "' has "
              + p.attempt()
              + " attempts, not "
              + attempt);
    }
    boolean current = attempt == p.attempt();
    if (run.fromFinalSnapshot() && !current) {
      throw Problem.gone(pastRetention(run, p));
    }
    List<PartitionView.Transition> history =
        p.history().stream().filter(t -> t.attempt() == attempt).toList();
    PartitionView.Transition last = history.isEmpty() ? null : history.get(history.size() - 1);
    if (last == null && run.fromFinalSnapshot()) {
      // The final snapshot keeps the partition's last move: its state, failure and job.
      last =
          new PartitionView.Transition(
              null, p.state(), attempt, p.failureClass(), p.reason(), p.jobName(), null);
    }
    String jobName =
        history.stream()
            .map(PartitionView.Transition::jobName)
            .filter(n -> n != null)
            .reduce((a, b) -> b)
            .orElse(last == null ? null : last.jobName());
    FinOpsRecord.LedgerEntry ledger =
        run.ledger().stream()
            .filter(e -> e.partitionId().equals(p.partitionId()) && e.attempt() == attempt)
            .reduce((a, b) -> b)
            .orElse(null);
    SubmittedJob submission = run.submission(p.partitionId(), attempt);
    JobSpec rendered = null;
    String note = null;
    if (run.jobTemplate() == null) {
      note = "the run's start carries no job template";
    } else {
      try {
        rendered =
            JobTemplate.fromTree(run.jobTemplate(), String.valueOf(run.planSource()))
                .render(run.runId(), new PartitionSpec(p.partitionId(), p.tags()));
      } catch (RuntimeException e) {
        note = "cannot render the job template: " + e.getMessage();
      }
    }
    return new JobEvidence(
        "JobEvidence",
        run.runId(),
        p.partitionId(),
        attempt,
        p.attempt(),
        jobName,
        last == null ? null : last.to(),
        last == null ? null : last.failureClass(),
        last == null ? null : last.reason(),
        p.tags(),
        history,
        ledger == null ? null : ledger.computeTarget(),
        ledger == null ? null : ledger.instanceType(),
        ledger == null ? null : ledger.nodes(),
        ledger == null ? null : ledger.billableSeconds(),
        ledger == null ? null : ledger.pricePerNodeHour(),
        ledger == null ? null : ledger.cost(),
        ledger == null ? null : ledger.currency(),
        current ? p.logPath() : null,
        current ? p.metrics() : null,
        run.planName(),
        rendered,
        note,
        submission == null ? null : submission.workerId(),
        submission,
        current ? JobLogs.studioUrl(p) : null,
        run.fromFinalSnapshot() ? Boolean.TRUE : null);
  }

  /** Why an earlier attempt of a run read from its final snapshot cannot be shown. */
  public static String pastRetention(RunView run, PartitionView p) {
    return "run '"
        + run.runId()
        + "' is past the runs topic's retention (PARTITRAIN_RUNS_RETENTION): its decisions are"
        + " gone from it, and its final snapshot on the state topic keeps only the last attempt"
        + " of each partition ("
        + p.attempt()
        + " of partition '"
        + p.partitionId()
        + "')";
  }
}
