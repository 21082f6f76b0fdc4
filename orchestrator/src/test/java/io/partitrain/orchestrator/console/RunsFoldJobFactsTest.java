package io.partitrain.orchestrator.console;

import static io.partitrain.orchestrator.console.ConsoleEvents.T0;
import static io.partitrain.orchestrator.console.ConsoleEvents.moved;
import static io.partitrain.orchestrator.console.ConsoleEvents.runStarted;
import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.orchestrator.console.view.PartitionView;
import io.partitrain.orchestrator.console.view.RunView;
import io.partitrain.orchestrator.console.view.RunsFold;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.SubmittedJob;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the console shows of a job comes from the worker's own report: the Studio link is the one it
 * reported ({@code PartitionTransitioned.studioUrl}), per attempt; the evidence of an attempt is
 * the first reported (the creator's), and an adopter's fills the gap only where the creator never
 * reported.
 */
class RunsFoldJobFactsTest {

  private static final String RUN = "run-f";
  private static final String STUDIO_1 = "https://ml.azure.com/runs/run-f-store-001-a1?wsid=/w";
  private static final String STUDIO_2 = "https://ml.azure.com/runs/run-f-store-001-a2?wsid=/w";

  private static RunEvent.PartitionTransitioned reported(
      PartitionState from,
      PartitionState to,
      int attempt,
      String logPath,
      String studioUrl,
      SubmittedJob evidence) {
    return RunEvent.PartitionTransitioned.move(
            RUN, "store-001", to, T0.plusSeconds(attempt * 60L + to.ordinal()))
        .from(from)
        .attempt(attempt)
        .jobName(RUN + "-store-001-a" + attempt)
        .tags(Map.of())
        .logPath(logPath)
        .studioUrl(studioUrl)
        .submission(evidence)
        .build();
  }

  private static SubmittedJob evidence(String backendId) {
    return new SubmittedJob(null, "azureml", backendId, null, null, Map.of(), Map.of(), null);
  }

  private static PartitionView partition(RunsFold fold) {
    RunView run = fold.snapshot(T0.plusSeconds(3600)).run(RUN).orElseThrow();
    return run.partitions().get(0);
  }

  @Test
  void theStudioLinkIsTheReportedOneOfTheCurrentAttempt() {
    RunsFold fold = new RunsFold();
    fold.apply(runStarted(RUN, 1, null));
    fold.apply(moved(RUN, "store-001", null, PartitionState.SCHEDULED, 1));
    fold.apply(moved(RUN, "store-001", PartitionState.SCHEDULED, PartitionState.ADMITTED, 1));
    // The log of an Azure ML job lives in the artifact store: not a link anyone can open.
    String artifact = "azureml://jobs/run-f-store-001-a1/outputs/user_logs/std_log.txt";
    fold.apply(
        reported(PartitionState.ADMITTED, PartitionState.RUNNING, 1, artifact, STUDIO_1, null));
    assertThat(partition(fold).studioUrl()).isEqualTo(STUDIO_1);
    fold.apply(reported(PartitionState.RUNNING, PartitionState.FAILED, 1, artifact, null, null));
    assertThat(partition(fold).studioUrl())
        .as("kept while the attempt's events leave it out")
        .isEqualTo(STUDIO_1);

    fold.apply(moved(RUN, "store-001", PartitionState.FAILED, PartitionState.ADMITTED, 2));
    assertThat(partition(fold).studioUrl()).as("a new attempt has no link yet").isNull();
    fold.apply(reported(PartitionState.ADMITTED, PartitionState.QUEUED, 2, null, STUDIO_2, null));
    assertThat(partition(fold).studioUrl()).isEqualTo(STUDIO_2);
  }

  @Test
  void theCreatorsEvidenceStandsAndAnAdoptersFillsOnlyAGap() {
    RunsFold fold = new RunsFold();
    fold.apply(runStarted(RUN, 1, null));
    fold.apply(moved(RUN, "store-001", null, PartitionState.SCHEDULED, 1));
    fold.apply(moved(RUN, "store-001", PartitionState.SCHEDULED, PartitionState.ADMITTED, 1));
    SubmittedJob creators = evidence("/jobs/a1").withWorker("w1");
    fold.apply(
        reported(PartitionState.ADMITTED, PartitionState.SUBMITTED, 1, null, null, creators));
    fold.apply(
        reported(
            PartitionState.SUBMITTED,
            PartitionState.RUNNING,
            1,
            null,
            null,
            evidence("/jobs/a1").foundBy("w2")));
    RunView run = fold.snapshot(T0.plusSeconds(3600)).run(RUN).orElseThrow();
    assertThat(run.submission("store-001", 1)).isEqualTo(creators);

    // Attempt 2's creator stopped before reporting: the adopter's evidence is all there is.
    fold.apply(moved(RUN, "store-001", PartitionState.RUNNING, PartitionState.FAILED, 1));
    fold.apply(moved(RUN, "store-001", PartitionState.FAILED, PartitionState.ADMITTED, 2));
    SubmittedJob found = evidence("/jobs/a2").foundBy("w2");
    fold.apply(reported(PartitionState.ADMITTED, PartitionState.RUNNING, 2, null, null, found));
    run = fold.snapshot(T0.plusSeconds(3600)).run(RUN).orElseThrow();
    assertThat(run.submission("store-001", 2)).isEqualTo(found);
    assertThat(run.submission("store-001", 2).adoptedBy()).isEqualTo("w2");
    assertThat(run.submission("store-001", 2).workerId()).isNull();
  }
}
