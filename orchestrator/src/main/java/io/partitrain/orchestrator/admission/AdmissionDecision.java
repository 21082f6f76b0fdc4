package io.partitrain.orchestrator.admission;

/**
 * The answer of {@link Admission}.
 *
 * @param verdict admit now, wait (a cap is full now and will free up), or defer (the budget cannot
 *     take it: DEFERRED_BY_COST)
 * @param reason why not, for logs and events
 */
public record AdmissionDecision(Verdict verdict, String reason) {

  public enum Verdict {
    ADMIT,
    WAIT,
    DEFER
  }

  public static final AdmissionDecision ADMIT = new AdmissionDecision(Verdict.ADMIT, null);

  public static AdmissionDecision waitFor(String reason) {
    return new AdmissionDecision(Verdict.WAIT, reason);
  }

  public static AdmissionDecision defer(String reason) {
    return new AdmissionDecision(Verdict.DEFER, reason);
  }

  public boolean admitted() {
    return verdict == Verdict.ADMIT;
  }
}
