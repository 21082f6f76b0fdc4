package io.partitrain.orchestrator.tracking;

import io.partitrain.orchestrator.admission.NodeCap;
import io.partitrain.orchestrator.state.RunState;
import io.partitrain.shared.PartitrainException;
import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunDefinition;
import io.partitrain.shared.plan.PlanValidationException;
import io.partitrain.shared.plan.PlanViolation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the orchestrator checks in a {@code StartRun} beyond its ids ({@code Scheduler}) before it
 * changes anything: commands may come from any client, not only from the CLI that checked the plan.
 * Each problem names the field, the value and the rule, so the rejection tells the sender what to
 * fix. The template itself is held to the job.yml rules when the run's state is built.
 */
final class StartCheck {

  private StartCheck() {}

  /** The parts of the definition every run needs. */
  static Optional<String> problemWith(RunCommand.StartRun start) {
    RunDefinition d = start.definition();
    if (d.retry() == null) {
      return Optional.of(
          "definition.retry = (missing): a run needs the plan's retry policy"
              + " (retry.maxAttempts, retry.backoff)");
    }
    if (d.limits() == null) {
      return Optional.of(
          "definition.limits = (missing): a run needs the plan's caps (concurrency.maxInFlight)");
    }
    return Optional.empty();
  }

  /**
   * Whether every partition's job renders (each placeholder it uses has a value, safe in a shell)
   * and can ever fit the node cap of its compute target: a job needing more nodes than the cap
   * would wait for ever, so it is refused now, with the fix.
   */
  static Optional<String> renderingProblem(RunState run, RunCommand.StartRun start, NodeCap caps) {
    List<PlanViolation> violations = new ArrayList<>();
    run.checkRendering(start.partitions(), violations);
    if (!violations.isEmpty()) {
      return Optional.of(new PlanValidationException(violations).getMessage());
    }
    for (PartitionSpec p : start.partitions()) {
      JobSpec job;
      try {
        job = run.render(p);
      } catch (PartitrainException | IllegalArgumentException e) {
        return Optional.of("partition " + p.id() + ": " + e.getMessage());
      }
      int cap = caps.capOf(job.computeTarget());
      if (job.nodes() > cap) {
        return Optional.of(
            "partition "
                + p.id()
                + ": resources.instance_count = "
                + job.nodes()
                + " can never fit: the node cap of compute target "
                + job.computeTarget()
                + " is "
                + cap
                + "; raise it first (partitrain cap set "
                + job.computeTarget()
                + " --nodes "
                + job.nodes()
                + " --reason ...)");
      }
    }
    return Optional.empty();
  }
}
