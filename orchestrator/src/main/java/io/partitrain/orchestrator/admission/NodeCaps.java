package io.partitrain.orchestrator.admission;

import io.partitrain.shared.contracts.RunEvent;
import java.util.HashMap;
import java.util.Map;

/**
 * The node cap of every compute target, now: the configuration, overridden by operators' {@link
 * RunEvent.NodeCapChanged} events (applied live and on replay, so a restart keeps them).
 *
 * <p>The rule the tracker applies for every attempt, across all runs and all workers (DESIGN.md,
 * invariant 3): {@code inFlightNodes(target) + item.nodes ≤ cap(target)}.
 */
public final class NodeCaps {

  private final NodeCapConfig config;
  private final Map<String, Integer> overrides = new HashMap<>();

  public NodeCaps(NodeCapConfig config) {
    this.config = config;
  }

  public int capOf(String target) {
    Integer o = overrides.get(target);
    return o != null ? o : config.capOf(target);
  }

  /** The cap before an operator's change, or null when none was configured for the target. */
  public Integer explicitCapOf(String target) {
    Integer o = overrides.get(target);
    if (o != null) {
      return o;
    }
    return config.perTarget().containsKey(target) || config.defaultCap() != NodeCapConfig.UNLIMITED
        ? config.capOf(target)
        : null;
  }

  public void apply(RunEvent.NodeCapChanged changed) {
    overrides.put(changed.computeTarget(), changed.to());
  }

  /** Whether {@code nodes} more fit on {@code target} when {@code inFlight} are held already. */
  public AdmissionDecision decide(String target, int inFlight, int nodes) {
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
