package io.partitrain.worker.backend.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.partitrain.shared.contracts.JobNames;
import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.shared.plan.Plan;
import io.partitrain.shared.plan.PlanLoader;
import io.partitrain.worker.backend.JobObservation;
import io.partitrain.worker.backend.JobRef;
import io.partitrain.worker.backend.JobRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local backend with a job.yml as teams write it for az ml (issue 25, items 3, 4 and 5): code
 * and a model folder that climb out of the job.yml's folder with {@code ..} are found inside the
 * git work tree, a model folder input reaches the command as a local folder does, and {@code
 * services:} are left out with a note instead of refusing the job.
 */
class LocalJobYmlFeaturesTest {

  @TempDir Path tmp;
  LocalProcessBackend backend;
  Plan plan;

  @BeforeEach
  void repository() throws Exception {
    Path repo = tmp.resolve("repo");
    Files.createDirectories(repo.resolve(".git"));
    Files.createDirectories(repo.resolve("src"));
    Files.writeString(
        repo.resolve("src/train.sh"), "echo \"scoring with $(cat \"$1/MLmodel\")\"\n");
    Files.createDirectories(repo.resolve("assets/model"));
    Files.writeString(repo.resolve("assets/model/MLmodel"), "champion-v4");
    Path plans = Files.createDirectories(repo.resolve("plans/weekly"));
    Files.writeString(
        plans.resolve("job.yml"),
        """
        command: bash train.sh ${{inputs.base}}
        code: ../../src
        inputs:
          base: {type: custom_model, path: ../../assets/model}
        outputs:
          model: {type: mlflow_model}
        services:
          my_ssh: {type: ssh, nodes: all}
          my_tensorboard: {type: tensor_board, log_dir: outputs/tblogs}
        """);
    Files.writeString(
        plans.resolve("plan.yml"), "name: weekly\njob: job.yml\npartitions:\n  inline: [s1]\n");
    plan = PlanLoader.load(plans.resolve("plan.yml"));
    backend =
        new LocalProcessBackend(
            new LocalBackendConfig(tmp.resolve("jobs"), 2, 0, 1), Clock.systemUTC());
  }

  @AfterEach
  void close() {
    backend.close();
  }

  JobSpec job() {
    return plan.template().render("run-1", plan.partitions().get(0));
  }

  @Test
  void codeAndAModelFolderThatClimbWithDotDotAreFoundAndTheModelReachesTheCommand()
      throws Exception {
    JobRef ref = new JobRef("run-1", "s1", 1, JobNames.of("run-1", "s1", 1));
    backend.submit(new JobRequest(ref, job(), plan.partitions().get(0).tags()));
    JobObservation[] last = new JobObservation[1];
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> (last[0] = backend.observe(ref).orElseThrow()).isTerminal());

    assertThat(last[0].phase()).isEqualTo(JobPhase.SUCCEEDED);
    assertThat(Files.readString(Path.of(last[0].logPath()))).contains("scoring with champion-v4");
  }

  @Test
  void jobRenderSaysTheServicesAreLeftOut() {
    LocalJobPreview preview = LocalJobPreview.of(job(), tmp.resolve("jobs"), "run-1-s1-a1");

    assertThat(preview.notes())
        .singleElement()
        .asString()
        .contains("services {my_ssh=ssh, my_tensorboard=tensor_board} are ignored")
        .contains("the local backend runs the command without them");
  }

  @Test
  void jobRenderSaysAnInlineEnvironmentIsLeftOutAsAnAzureMlOneIs() {
    JobSpec j = job();
    JobSpec inline =
        new JobSpec(
            j.command(),
            j.code(),
            Map.of("image", "python:3.11", "conda_file", tmp.resolve("conda.yml").toString()),
            j.compute(),
            j.inputs(),
            j.outputs(),
            j.environmentVariables(),
            j.resources(),
            j.limits(),
            j.tags(),
            j.experimentName(),
            j.displayName(),
            j.description(),
            Map.of());

    assertThat(LocalJobPreview.of(inline, tmp.resolve("jobs"), "run-1-s1-a1").notes())
        .singleElement()
        .asString()
        .contains("environment [conda_file, image] is ignored")
        .contains("as it does with an azureml: environment");
  }
}
