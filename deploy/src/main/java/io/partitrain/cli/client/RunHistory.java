package io.partitrain.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunOutcome;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.contracts.StateSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run as the CLI sees it, folded from its decisions on the runs topic: the latest published
 * summary, who canceled it and why, and (when asked for) each partition's current line. The outcome
 * is {@link RunOutcome#of}, the same pure function every surface uses.
 */
public final class RunHistory {

  private final String runId;
  private final boolean withPartitions;
  private RunSummary summary;
  private RunEvent.RunStarted started;
  private RunEvent.CancelAccepted cancel;
  private final List<RunEvent.ComputeCapacityWarning> warnings = new ArrayList<>();
  private RunEvent.DeadlineAtRisk deadlineAtRisk;
  private final Map<String, PartitionLine> partitions = new LinkedHashMap<>();

  private Instant startedAtFromServer;

  RunHistory(String runId, boolean withPartitions) {
    this.runId = runId;
    this.withPartitions = withPartitions;
  }

  /**
   * A run as the console API reports it ({@code --server}): the same published summary and accepted
   * cancel the topics hold, and the time of its start.
   */
  public static RunHistory of(
      RunSummary summary, Instant startedAt, RunEvent.CancelAccepted cancel) {
    return of(summary, startedAt, cancel, List.of(), null);
  }

  /**
   * A run as the console API reports it with its warnings ({@code GET /runs/RUN?include=summary}):
   * everything {@code run show} and {@code run wait} print from the topics.
   */
  public static RunHistory of(
      RunSummary summary,
      Instant startedAt,
      RunEvent.CancelAccepted cancel,
      List<RunEvent.ComputeCapacityWarning> warnings,
      RunEvent.DeadlineAtRisk deadlineAtRisk) {
    RunHistory h = new RunHistory(summary.runId(), false);
    h.summary = summary;
    h.startedAtFromServer = startedAt;
    h.cancel = cancel;
    h.warnings.addAll(warnings);
    h.deadlineAtRisk = deadlineAtRisk;
    return h;
  }

  /**
   * A finished run read from its final snapshot on the state topic, once its events have aged out
   * of the runs topic: the same summary, start and cancel; each partition's last state, attempt,
   * failure class, reason, job and log (its attempt's times and studio link are not kept there).
   */
  public static RunHistory fromFinalSnapshot(StateSnapshot.Run s, boolean withPartitions) {
    RunHistory h = new RunHistory(s.runId(), withPartitions);
    h.apply(s.started());
    if (s.cancel() != null) {
      h.apply(s.cancel());
    }
    if (withPartitions) {
      for (StateSnapshot.Partition p : s.partitions()) {
        h.apply(
            RunEvent.PartitionTransitioned.move(s.runId(), p.id(), p.state(), s.at())
                .schemaVersion(s.schemaVersion())
                .attempt(p.attempt())
                .reason(p.message())
                .failureClass(p.failureClass())
                .jobName(p.jobName())
                .tags(p.tags())
                .sequence(p.sequence())
                .logPath(p.logPath())
                .metrics(p.metrics())
                .build());
      }
    }
    h.summary = s.summary();
    return h;
  }

  /** Applies one event of this run; events of other runs are ignored. */
  void apply(RunEvent e) {
    if (!runId.equals(e.runId())) {
      return;
    }
    if (e instanceof RunEvent.PartitionMoves batch) {
      batch.moves().forEach(this::apply);
    } else if (e instanceof RunEvent.RunStarted s) {
      started = s;
      cancel = null;
      deadlineAtRisk = null;
      partitions.clear();
      warnings.clear();
    } else if (e instanceof RunEvent.RunSnapshot s) {
      summary = s.summary();
    } else if (e instanceof RunEvent.RunCompleted c) {
      summary = c.summary();
    } else if (e instanceof RunEvent.CancelAccepted c) {
      cancel = c;
    } else if (e instanceof RunEvent.ComputeCapacityWarning w) {
      warnings.add(w);
    } else if (e instanceof RunEvent.DeadlineAtRisk d) {
      deadlineAtRisk = d;
    } else if (withPartitions && e instanceof RunEvent.PartitionTransitioned t) {
      partitions.computeIfAbsent(t.partitionId(), PartitionLine::new).apply(t);
    }
  }

  /** Whether anything was published for the run that tells its state. */
  boolean hasState() {
    return summary != null;
  }

  public String runId() {
    return runId;
  }

  public RunSummary summary() {
    return summary;
  }

  /** The warning that the run will miss its deadline; null when there was none. */
  public RunEvent.DeadlineAtRisk deadlineAtRisk() {
    return deadlineAtRisk;
  }

  /** The operator's accepted cancel; null when the run was not canceled. */
  public RunEvent.CancelAccepted cancel() {
    return cancel;
  }

  /** The compute targets whose node cap their cluster or quota could not hold at run start. */
  public List<RunEvent.ComputeCapacityWarning> warnings() {
    return List.copyOf(warnings);
  }

  public RunOutcome outcome() {
    return RunOutcome.of(summary, cancel != null);
  }

  public String planName() {
    return summary.planName();
  }

  public Instant startedAt() {
    if (started != null) {
      return started.at();
    }
    return startedAtFromServer != null ? startedAtFromServer : summary.startedAt();
  }

  /** When it settled; null while it is not settled. */
  public Instant endedAt() {
    return outcome().isSettled() ? summary.completedAt() : null;
  }

  /** From start to end, or to {@code now} while it is not settled. */
  public Duration duration(Instant now) {
    Instant start = startedAt();
    if (start == null) {
      return null;
    }
    Instant end = endedAt() != null ? endedAt() : now;
    return Duration.between(start, end);
  }

  /** Each partition's line, in plan order (empty unless folded with partitions). */
  public List<PartitionLine> partitions() {
    List<PartitionLine> out = new ArrayList<>(partitions.values());
    out.sort(Comparator.comparingInt(PartitionLine::sequence));
    return out;
  }

  /** One partition: its state now, its last attempt, and how that attempt went. */
  public static final class PartitionLine {
    private final String partitionId;
    private int sequence = Integer.MAX_VALUE;
    private Map<String, String> tags = Map.of();
    private PartitionState state;
    private int attempt;
    private FailureClass failureClass;
    private String reason;
    private String jobName;
    private String logPath;
    private String studioUrl;
    private Instant attemptSubmittedAt;
    private Instant attemptStartedAt;
    private Instant attemptEndedAt;

    PartitionLine(String partitionId) {
      this.partitionId = partitionId;
    }

    /**
     * A partition as the console API answers it ({@code GET /runs/RUN/partitions}): its transitions
     * replayed as the runs topic holds them, so the line reads as from the topic.
     */
    public static PartitionLine fromConsole(String runId, JsonNode p) {
      PartitionLine line = new PartitionLine(p.path("partitionId").asText());
      Map<String, String> tags = new LinkedHashMap<>();
      p.path("tags").fields().forEachRemaining(e -> tags.put(e.getKey(), e.getValue().asText()));
      Integer sequence = p.path("sequence").isNumber() ? p.path("sequence").asInt() : null;
      boolean first = true;
      for (JsonNode t : p.path("history")) {
        PartitionState to = PartitionState.valueOf(t.path("to").asText());
        line.apply(
            RunEvent.PartitionTransitioned.move(
                    runId, line.partitionId, to, Instant.parse(t.path("at").asText()))
                .from(
                    t.path("from").isTextual()
                        ? PartitionState.valueOf(t.path("from").asText())
                        : null)
                .attempt(t.path("attempt").asInt())
                .reason(t.path("reason").asText(null))
                .failureClass(
                    t.path("failureClass").isTextual()
                        ? FailureClass.valueOf(t.path("failureClass").asText())
                        : null)
                .jobName(t.path("jobName").asText(null))
                .tags(first ? tags : null)
                .sequence(first ? sequence : null)
                .build());
        first = false;
      }
      if (first && p.path("state").isTextual()) {
        // No history: a run read from its final snapshot (past the runs topic's retention) keeps
        // each partition's last state only.
        line.sequence = sequence == null ? line.sequence : sequence;
        line.tags = Map.copyOf(tags);
        line.state = PartitionState.valueOf(p.path("state").asText());
        line.attempt = p.path("attempt").asInt();
        line.failureClass =
            p.path("failureClass").isTextual()
                ? FailureClass.valueOf(p.path("failureClass").asText())
                : null;
        line.reason = p.path("reason").asText(null);
        line.jobName = p.path("jobName").asText(null);
      }
      // Where the current attempt's log is, and its Studio page: the view keeps the latest.
      if (line.state != null && line.state.isJobTerminal()) {
        line.logPath = p.path("logPath").asText(null);
      }
      line.studioUrl = p.path("studioUrl").asText(null);
      return line;
    }

    void apply(RunEvent.PartitionTransitioned t) {
      if (t.sequence() != null) {
        sequence = t.sequence();
      }
      if (t.tags() != null && !t.tags().isEmpty()) {
        tags = Map.copyOf(t.tags());
      }
      if (t.to() == PartitionState.ADMITTED) {
        // A new attempt: what the previous one left behind no longer describes the partition.
        failureClass = null;
        logPath = null;
        studioUrl = null;
        attemptSubmittedAt = null;
        attemptStartedAt = null;
        attemptEndedAt = null;
      }
      // From RUNNING; a job that finished between two polls was never seen running: from SUBMITTED.
      if (t.to() == PartitionState.SUBMITTED || t.to() == PartitionState.QUEUED) {
        attemptSubmittedAt = attemptSubmittedAt == null ? t.at() : attemptSubmittedAt;
      }
      if (t.to() == PartitionState.RUNNING && attemptStartedAt == null) {
        attemptStartedAt = t.at();
      }
      if (t.to().isJobTerminal()) {
        attemptEndedAt = t.at();
        failureClass = t.failureClass();
        if (t.logPath() != null) {
          logPath = t.logPath();
        }
      }
      if (t.studioUrl() != null) {
        studioUrl = t.studioUrl();
      }
      state = t.to();
      attempt = Math.max(attempt, t.attempt());
      reason = t.reason();
      if (t.jobName() != null) {
        jobName = t.jobName();
      }
    }

    public String partitionId() {
      return partitionId;
    }

    public int sequence() {
      return sequence;
    }

    public Map<String, String> tags() {
      return tags;
    }

    public PartitionState state() {
      return state;
    }

    public int attempt() {
      return attempt;
    }

    public FailureClass failureClass() {
      return failureClass;
    }

    public String reason() {
      return reason;
    }

    public String jobName() {
      return jobName;
    }

    public String logPath() {
      return logPath;
    }

    /** The attempt's page in Azure ML Studio; null for a backend without one. */
    public String studioUrl() {
      return studioUrl;
    }

    /**
     * How long the last attempt ran: from RUNNING (else from SUBMITTED, for a job that ended
     * between two polls) to its end, or to {@code now} while it runs; null before it was submitted.
     */
    public Duration duration(Instant now) {
      Instant from = attemptStartedAt != null ? attemptStartedAt : attemptSubmittedAt;
      if (from == null) {
        return null;
      }
      return Duration.between(from, attemptEndedAt != null ? attemptEndedAt : now);
    }
  }
}
