package io.partitrain.cli;

import io.partitrain.shared.PartitrainException;

/**
 * What a command was asked about does not exist (a run, a job); exit {@link ExitCode#NOT_FOUND}.
 */
public final class NotFoundException extends PartitrainException {

  public NotFoundException(String message) {
    super(message);
  }

  /** No run of that id has published anything on the runs topic. */
  public static NotFoundException run(String runId) {
    return new NotFoundException(
        "no run "
            + runId
            + " (or it has published no state yet); `partitrain run list` shows the runs");
  }
}
