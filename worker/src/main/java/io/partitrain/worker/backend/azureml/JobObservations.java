package io.partitrain.worker.backend.azureml;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.assets.Datastores;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.worker.backend.JobObservation;
import io.partitrain.worker.backend.JobRef;
import io.partitrain.worker.backend.azureml.internal.RunHistory;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jobs this process watches, and how an ARM job resource becomes a {@link JobObservation}: the
 * status mapped to a phase, the status history kept for evidence, billable times taken from the run
 * history once a job is terminal, and the failure class judged by {@link TrackedJob}.
 */
final class JobObservations {

  private static final Logger LOG = LoggerFactory.getLogger(JobObservations.class);

  private final ArmPaths paths;
  private final RunHistory runHistory;
  private final Clock clock;
  private final Map<String, TrackedJob> tracked = new ConcurrentHashMap<>();

  JobObservations(ArmPaths paths, RunHistory runHistory, Clock clock) {
    this.paths = paths;
    this.runHistory = runHistory;
    this.clock = clock;
  }

  TrackedJob track(JobRef ref) {
    return tracked.computeIfAbsent(ref.jobName(), k -> new TrackedJob(ref));
  }

  /** What ARM's job resource says now, folded into what this process knew of the job. */
  JobObservation of(TrackedJob t, JsonNode job) {
    String wire = job.at("/properties/status").asText(null);
    AzureMlStatus status = AzureMlStatus.parse(wire);
    RunHistory.Details details = status.phase().isTerminal() ? terminalDetails(t) : null;
    Instant now = clock.instant();
    synchronized (t) {
      t.armId = job.hasNonNull("id") ? job.get("id").asText() : paths.jobId(t.ref.jobName());
      String studio = job.at("/properties/services/Studio/endpoint").asText(null);
      t.studioUrl = studio != null ? studio : paths.studioUrl(t.ref.jobName());
      t.timeout = TrackedJob.timeoutOf(job);
      if (wire != null && !wire.equals(t.lastWire)) {
        t.history.add(new JobEvidence.StatusChange(wire, now));
        t.lastWire = wire;
      }
      if (status.meansCodeRan()) {
        t.ran = true;
      }
      if (status.startsBillableTime() && t.startedAt == null) {
        t.startedAt = now;
      }
      if (status.phase() == JobPhase.UNKNOWN && t.loggedUnknown.add(String.valueOf(wire))) {
        LOG.info(
            "{} job {} shows status '{}' ({}); watching on",
            t.ref,
            t.ref.jobName(),
            wire,
            status == AzureMlStatus.UNRECOGNIZED
                ? "a value this version does not know"
                : "no change");
      }
      if (status.phase().isTerminal() && t.finishedAt == null) {
        t.finishedAt = now;
      }
      Instant started =
          details != null && details.startTime() != null ? details.startTime() : t.startedAt;
      Instant finished =
          details != null && details.endTime() != null ? details.endTime() : t.finishedAt;
      FailureClass fc = TrackedJob.failureClass(t, status, details, started, finished);
      return JobObservation.of(t.ref.jobName(), status.phase())
          .backendStatus(wire)
          .failureClass(fc)
          .message(
              status.phase().isTerminal() && status != AzureMlStatus.COMPLETED
                  ? TrackedJob.failureMessage(wire, fc, details)
                  : null)
          .startedAt(started)
          .finishedAt(status.phase().isTerminal() ? finished : null)
          .logPath(logUri(t.ref.jobName()))
          .studioUrl(t.studioUrl)
          .backendId(t.armId)
          .build();
    }
  }

  /** Where the job's log is: the artifact store's datastore URI ({@code job logs} reads it). */
  static String logUri(String jobName) {
    return "azureml://datastores/"
        + Datastores.ARTIFACT_STORE
        + "/paths/"
        + AzureMlJobLog.blobName(jobName);
  }

  /** The run-history record of a terminal job, read once per job. */
  private RunHistory.Details terminalDetails(TrackedJob t) {
    if (!t.detailsRead) {
      t.details = runHistory.details(t.ref.jobName()).orElse(null);
      t.detailsRead = true;
    }
    return t.details;
  }

  /** A job whose call failed this round: keep watching, and say why in the heartbeat. */
  JobObservation notObserved(JobRef ref, String why) {
    TrackedJob t = track(ref);
    synchronized (t) {
      return JobObservation.of(ref.jobName(), JobPhase.UNKNOWN)
          .backendStatus(t.lastWire)
          .message("not observed this round: " + why)
          .startedAt(t.startedAt)
          .studioUrl(t.studioUrl)
          .backendId(t.armId)
          .build();
    }
  }

  /** The evidence this process has of a job, if it has seen it. */
  Optional<JobEvidence> evidence(JobRef job) {
    TrackedJob t = tracked.get(job.jobName());
    if (t == null) {
      return Optional.empty();
    }
    synchronized (t) {
      return Optional.of(new JobEvidence(job.jobName(), t.armId, t.studioUrl, t.history));
    }
  }
}
