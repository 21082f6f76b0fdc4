package io.partitrain.cli;

/**
 * The one exit-code table every verb uses (README, "Exit codes"). Scripts branch on these.
 *
 * <table>
 *   <tr><td>0</td><td>{@link #OK}</td><td>done; for {@code run wait}: the run succeeded</td></tr>
 *   <tr><td>1</td><td>{@link #BAD_INPUT}</td><td>a bad option, value or plan; nothing was sent</td></tr>
 *   <tr><td>2</td><td>{@link #REJECTED}</td><td>the orchestrator (or the run's state) refused the
 *       command; for {@code run wait}: the run settled but did not succeed</td></tr>
 *   <tr><td>3</td><td>{@link #NOT_FOUND}</td><td>no such run, job or schedule</td></tr>
 *   <tr><td>4</td><td>{@link #UNREACHABLE}</td><td>Kafka or the orchestrator did not answer in
 *       time; for {@code run wait}: the timeout passed first</td></tr>
 *   <tr><td>5</td><td>{@link #FAILED}</td><td>{@code up} or {@code demo} stopped because one of its
 *       own components failed (the log says which)</td></tr>
 * </table>
 */
public enum ExitCode {
  OK(0),
  BAD_INPUT(1),
  REJECTED(2),
  NOT_FOUND(3),
  UNREACHABLE(4),
  FAILED(5);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  /** The process exit status. */
  public int code() {
    return code;
  }
}
