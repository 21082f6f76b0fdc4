package io.partitrain.worker.backend.azureml;

import io.partitrain.shared.contracts.JobPhase;
import java.util.Locale;

/**
 * The 14 values of the ARM {@code JobStatus} enum (api-version 2025-12-01), plus {@link
 * #UNRECOGNIZED} for any value the service adds later. The enum is {@code modelAsString}, so new
 * values are legal on the wire; an unrecognized one maps to {@link JobPhase#UNKNOWN} ("keep
 * watching") instead of failing the watch.
 *
 * <p>The mapping is DESIGN.md's: NotStarted/Starting/Provisioning/Preparing/Queued are QUEUED,
 * Running/Finalizing are RUNNING, Completed is SUCCEEDED, Failed/NotResponding are FAILED, Canceled
 * is CANCELED, CancelRequested (nodes still held), Paused, Unknown and anything new keep watching.
 */
public enum AzureMlStatus {
  NOT_STARTED("NotStarted", JobPhase.QUEUED, false),
  STARTING("Starting", JobPhase.QUEUED, false),
  PROVISIONING("Provisioning", JobPhase.QUEUED, true),
  PREPARING("Preparing", JobPhase.QUEUED, true),
  QUEUED("Queued", JobPhase.QUEUED, false),
  RUNNING("Running", JobPhase.RUNNING, true),
  FINALIZING("Finalizing", JobPhase.RUNNING, true),
  /** Nodes are held until Canceled: keep watching (DESIGN.md), never terminal. */
  CANCEL_REQUESTED("CancelRequested", JobPhase.UNKNOWN, false),
  COMPLETED("Completed", JobPhase.SUCCEEDED, false),
  FAILED("Failed", JobPhase.FAILED, false),
  CANCELED("Canceled", JobPhase.CANCELED, false),
  NOT_RESPONDING("NotResponding", JobPhase.FAILED, false),
  PAUSED("Paused", JobPhase.UNKNOWN, false),
  UNKNOWN("Unknown", JobPhase.UNKNOWN, false),
  /** A value this code does not know yet; the raw word is kept in the observation. */
  UNRECOGNIZED(null, JobPhase.UNKNOWN, false);

  private final String wire;
  private final JobPhase phase;
  private final boolean billable;

  AzureMlStatus(String wire, JobPhase phase, boolean billable) {
    this.wire = wire;
    this.phase = phase;
    this.billable = billable;
  }

  /** The value as ARM spells it; null for {@link #UNRECOGNIZED}. */
  public String wire() {
    return wire;
  }

  public JobPhase phase() {
    return phase;
  }

  /** Whether billable time has begun once a job shows this status (DESIGN.md, Caps). */
  public boolean startsBillableTime() {
    return billable;
  }

  /** Whether the job's own code had started: Running or Finalizing. */
  public boolean meansCodeRan() {
    return this == RUNNING || this == FINALIZING;
  }

  /** Parses a wire value, case-insensitively; never throws. */
  public static AzureMlStatus parse(String value) {
    if (value == null) {
      return UNRECOGNIZED;
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    for (AzureMlStatus s : values()) {
      if (s.wire != null && s.wire.toLowerCase(Locale.ROOT).equals(v)) {
        return s;
      }
    }
    return UNRECOGNIZED;
  }
}
