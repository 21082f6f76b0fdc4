package io.partitrain.orchestrator.admission;

import io.partitrain.orchestrator.state.PartitionRecord;
import io.partitrain.orchestrator.state.RunState;

/**
 * Decides whether one partition's next attempt may be released now. Admission is central (the
 * tracker is the single writer), so a cap holds for any number of workers.
 *
 * <p>Implementations are asked in plan order and should be pure: the same state gives the same
 * answer. (Replay never asks them: it applies the recorded decisions. So {@link SubmitWindow} may
 * answer from a measurement of the workers' pace.) The tracker asks one composed admission: the
 * run's concurrency cap, then the node cap of the job's compute target ({@link NodeCap}), then the
 * workers' pace ({@link SubmitWindow}), then the run's cost cap ({@link CostCap}), composed with
 * {@link #and}; the first refusal wins.
 */
@FunctionalInterface
public interface Admission {

  AdmissionDecision decide(RunState run, PartitionRecord partition);

  /** Both must admit; the first refusal wins. */
  default Admission and(Admission other) {
    return (run, p) -> {
      AdmissionDecision first = decide(run, p);
      return first.admitted() ? other.decide(run, p) : first;
    };
  }

  /** The simple cap: at most {@code concurrency.maxInFlight} partitions of a run in flight. */
  static Admission concurrencyCap() {
    return (run, p) ->
        run.inFlight() < run.definition().limits().maxInFlight()
            ? AdmissionDecision.ADMIT
            : AdmissionDecision.waitFor(
                "concurrency cap " + run.definition().limits().maxInFlight() + " reached");
  }
}
