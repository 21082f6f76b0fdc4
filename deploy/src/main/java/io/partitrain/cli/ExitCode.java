package io.partitrain.cli;

/**
 * The exit codes of every {@code partitrain} command, one table for all verbs (DESIGN.md,
 * Interfaces), so scripts can trust them. Commands return {@link #code()}.
 */
public enum ExitCode {
  /** Done. */
  OK(0),
  /** Bad input: a refused plan, a bad option or argument. */
  BAD_INPUT(1),
  /** The orchestrator rejected the command. */
  REJECTED(2),
  /** The run, job or file asked for does not exist. */
  NOT_FOUND(3),
  /** Kafka or the orchestrator did not answer. */
  UNREACHABLE(4);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  /** The process exit status. */
  public int code() {
    return code;
  }
}
