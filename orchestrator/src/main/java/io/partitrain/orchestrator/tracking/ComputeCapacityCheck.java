package io.partitrain.orchestrator.tracking;

import io.partitrain.orchestrator.admission.NodeCap;
import io.partitrain.orchestrator.state.RunState;
import io.partitrain.shared.contracts.ComputeCapacity;
import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.Schema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The node cap of each compute target a run uses, compared at run start with what its Azure ML
 * cluster and the subscription's vCPU quota hold ({@link RunCommand.StartRun#computes}, asked by
 * the sender just before). The comparison is made here because the cap lives here (configuration
 * plus {@code cap set} events); the facts come from the sender because the orchestrator holds no
 * Azure identity. A run whose start carries no facts (a local run, a schedule) is not checked.
 */
final class ComputeCapacityCheck {

  private ComputeCapacityCheck() {}

  /** One warning per compute target of the run whose node cap the service cannot hold. */
  static List<RunEvent.ComputeCapacityWarning> warnings(
      RunState run, RunCommand.StartRun start, NodeCap caps, Instant now) {
    if (start.computes().isEmpty()) {
      return List.of();
    }
    Set<String> targets = new LinkedHashSet<>();
    for (PartitionSpec p : start.partitions()) {
      targets.add(run.render(p).computeTarget());
    }
    List<RunEvent.ComputeCapacityWarning> out = new ArrayList<>();
    for (ComputeCapacity c : start.computes()) {
      if (!targets.contains(c.computeTarget())) {
        continue;
      }
      int cap = caps.capOf(c.computeTarget());
      List<String> problems = c.problemsFor(cap);
      if (!problems.isEmpty()) {
        out.add(
            new RunEvent.ComputeCapacityWarning(
                Schema.VERSION,
                run.runId(),
                c.computeTarget(),
                cap == ComputeCapacity.NO_CAP ? null : cap,
                c,
                problems,
                now));
      }
    }
    return out;
  }

  /** The refusal of a run started with {@code --refuse-over-capacity}: every sentence. */
  static String refusal(List<RunEvent.ComputeCapacityWarning> warnings) {
    return "refused (--refuse-over-capacity): "
        + warnings.stream().flatMap(w -> w.problems().stream()).collect(Collectors.joining("; "));
  }
}
