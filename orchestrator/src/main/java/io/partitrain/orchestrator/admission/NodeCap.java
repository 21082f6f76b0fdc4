package io.partitrain.orchestrator.admission;

import io.partitrain.orchestrator.state.OrchestratorState;
import io.partitrain.orchestrator.state.PartitionRecord;
import io.partitrain.orchestrator.state.RunState;
import io.partitrain.shared.contracts.JobSpec;

/**
 * The node cap of every compute target, as an {@link Admission}: the configuration, overridden by
 * operators' {@code NodeCapChanged} events (kept in the {@link OrchestratorState}, so a restart
 * keeps them).
 *
 * <p>The rule, for every attempt, across all runs and all workers (DESIGN.md, invariant 3): {@code
 * inFlightNodes(target) + nodes ≤ cap(target)}. Both sides come from the same {@link JobSpec}: the
 * partition's rendered job ({@link PartitionRecord#job()}), whose nodes the state also counts while
 * it is in flight.
 */
public final class NodeCap implements Admission {

  private final NodeCapConfig config;
  private final OrchestratorState state;

  public NodeCap(NodeCapConfig config, OrchestratorState state) {
    this.config = config;
    this.state = state;
  }

  public int capOf(String target) {
    return state.nodeCapOverride(target).orElseGet(() -> config.capOf(target));
  }

  /** The cap before an operator's change, or null when none was configured for the target. */
  public Integer explicitCapOf(String target) {
    return state
        .nodeCapOverride(target)
        .orElse(
            config.perTarget().containsKey(target) || config.defaultCap() != NodeCapConfig.UNLIMITED
                ? config.capOf(target)
                : null);
  }

  @Override
  public AdmissionDecision decide(RunState run, PartitionRecord partition) {
    // From the partition's kept facts: a waiting partition's job is not held (PartitionRecord#job).
    String target = partition.computeTarget();
    return decide(target, state.inFlightNodes(target), partition.nodes());
  }

  /** Whether {@code nodes} more fit on {@code target} when {@code inFlight} are held already. */
  AdmissionDecision decide(String target, int inFlight, int nodes) {
    int cap = capOf(target);
    return (long) inFlight + nodes <= cap
        ? AdmissionDecision.ADMIT
        : AdmissionDecision.waitFor(
            "node cap "
                + cap
                + " of compute target "
                + target
                + " reached ("
                + inFlight
                + " in flight, "
                + nodes
                + " needed)");
  }
}
