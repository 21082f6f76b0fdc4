package io.partitrain.worker.backend.azureml;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.models.BlobItem;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.partitrain.assets.CodeSnapshot;
import io.partitrain.shared.contracts.JobNames;
import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.shared.plan.Plan;
import io.partitrain.shared.plan.PlanLoader;
import io.partitrain.worker.backend.JobRef;
import io.partitrain.worker.backend.JobRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job.yml as teams write it for {@code az ml job create} (issue 25, items 3, 4 and 5), loaded
 * from a plan inside a git work tree and submitted to the fake ARM with a real Azurite: paths that
 * climb with {@code ..} out of the job.yml's folder are found where az ml would find them; model
 * inputs (a local folder, registered versions) and a model output keep their types; {@code
 * services:} reach the body. Every body validates against the OpenAPI excerpt.
 */
@Timeout(120)
class AzureMlJobYmlFeaturesTest {

  static final String RUN = "weekly-demand-2026-W48";
  static Azurite azurite;
  FakeArmServer fake;
  AzureMlBackend backend;
  @TempDir Path tmp;
  Path repo;

  @BeforeAll
  static void startStorage() {
    azurite = Azurite.start();
  }

  @AfterAll
  static void stopStorage() {
    azurite.close();
  }

  @BeforeEach
  void start() throws Exception {
    fake = FakeArmServer.start(20);
    fake.storage = azurite;
    backend = FakeArm.backend(fake, FakeArm.fastConfig(fake).build(), new SimpleMeterRegistry());
    repo = tmp.resolve("repo");
    Files.createDirectories(repo.resolve(".git"));
    Files.createDirectories(repo.resolve("src"));
    Files.writeString(repo.resolve("src/train.py"), "print('training')\n");
    Files.createDirectories(repo.resolve("assets/model"));
    Files.writeString(repo.resolve("assets/model/MLmodel"), "flavors: {python_function: {}}\n");
    Path plans = Files.createDirectories(repo.resolve("plans/weekly"));
    Files.writeString(
        plans.resolve("job.yml"),
        """
        $schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json
        command: >-
          python train.py --base ${{inputs.base}} --champion ${{inputs.champion}}
          --triton ${{inputs.triton}} --out ${{outputs.model}}
        code: ../../src
        environment: azureml:sklearn-env:3
        compute: azureml:cpu-cluster
        inputs:
          base: {type: custom_model, path: ../../assets/model}
          champion: {type: mlflow_model, path: 'azureml:demand-model:4'}
          triton: {type: triton_model, path: 'azureml:demand-triton@latest', mode: download}
        outputs:
          model: {type: mlflow_model}
        services:
          my_ssh: {type: ssh, ssh_public_keys: "ssh-ed25519 AAAAC3Nza me@laptop", nodes: all}
          my_tensorboard: {type: tensor_board, log_dir: outputs/tblogs}
          my_jupyter: {type: jupyter_lab}
          my_vscode: {type: vs_code, nodes: all}
          my_app: {type: custom, port: 8080, properties: {protocol: http}}
        """);
    Files.writeString(
        plans.resolve("plan.yml"), "name: weekly\njob: job.yml\npartitions:\n  inline: [s1]\n");
  }

  @AfterEach
  void stop() {
    backend.close();
    fake.close();
  }

  JsonNode submitted() {
    Plan plan = PlanLoader.load(repo.resolve("plans/weekly/plan.yml"));
    JobSpec spec = plan.template().render(RUN, plan.partitions().get(0));
    JobRef ref = new JobRef(RUN, "s1", 1, JobNames.of(RUN, "s1", 1));
    backend.submit(new JobRequest(ref, spec, plan.partitions().get(0).tags()));
    assertThat(fake.bodyViolations).isEmpty();
    return fake.jobs.get(ref.jobName()).properties;
  }

  @Test
  void codeAndAModelFolderThatClimbOutOfTheJobsFolderAreUploadedFromWhereAzMlFindsThem()
      throws Exception {
    JsonNode p = submitted();

    String codeHash = CodeSnapshot.of("code", repo.resolve("src")).hash();
    assertThat(p.path("codeId").asText())
        .endsWith(
            "/codes/" + CodeSnapshot.of("code", repo.resolve("src")).assetName() + "/versions/1");
    assertThat(
            azurite
                .container(fake.uploadContainer)
                .getBlobClient("LocalUpload/" + codeHash + "/train.py")
                .downloadContent()
                .toString())
        .isEqualTo("print('training')\n");
    JsonNode base = p.at("/inputs/base");
    assertThat(base.path("jobInputType").asText()).isEqualTo("custom_model");
    String modelHash = CodeSnapshot.of("inputs.base.path", repo.resolve("assets/model")).hash();
    assertThat(base.path("uri").asText())
        .startsWith("azureml://datastores/workspaceblobstore/paths/LocalUpload/" + modelHash);
    String mlmodel =
        azurite.container(fake.uploadContainer).listBlobs().stream()
            .map(BlobItem::getName)
            .filter(n -> n.startsWith("LocalUpload/" + modelHash + "/") && n.endsWith("MLmodel"))
            .findFirst()
            .orElseThrow();
    assertThat(azurite.container(fake.uploadContainer).getBlobClient(mlmodel).downloadContent())
        .hasToString("flavors: {python_function: {}}\n");
  }

  @Test
  void registeredModelsAreModelVersionsAndTheModelOutputKeepsItsType() {
    JsonNode p = submitted();

    String ws = FakeArmServer.workspaceId();
    assertThat(p.at("/inputs/champion/jobInputType").asText()).isEqualTo("mlflow_model");
    assertThat(p.at("/inputs/champion/uri").asText())
        .isEqualTo("azureml:" + ws + "/models/demand-model/versions/4");
    assertThat(p.at("/inputs/triton/jobInputType").asText()).isEqualTo("triton_model");
    assertThat(p.at("/inputs/triton/uri").asText())
        .isEqualTo("azureml:" + ws + "/models/demand-triton/versions/1");
    assertThat(p.at("/inputs/triton/mode").asText()).isEqualTo("Download");
    assertThat(fake.requestsByKind.get("models.latest")).hasValue(1);
    assertThat(p.at("/outputs/model/jobOutputType").asText()).isEqualTo("mlflow_model");
  }

  @Test
  void servicesBecomeJobServicesAsAzureAiMlSendsThem() {
    JsonNode s = submitted().path("services");

    assertThat(s.at("/my_ssh/jobServiceType").asText()).isEqualTo("SSH");
    assertThat(s.at("/my_ssh/nodes/nodesValueType").asText()).isEqualTo("All");
    assertThat(s.at("/my_ssh/properties/sshPublicKeys").asText())
        .isEqualTo("ssh-ed25519 AAAAC3Nza me@laptop");
    assertThat(s.at("/my_tensorboard/jobServiceType").asText()).isEqualTo("TensorBoard");
    assertThat(s.at("/my_tensorboard/properties/logDir").asText()).isEqualTo("outputs/tblogs");
    assertThat(s.at("/my_jupyter/jobServiceType").asText()).isEqualTo("JupyterLab");
    assertThat(s.path("my_jupyter").has("nodes")).as("leader node only").isFalse();
    assertThat(s.at("/my_vscode/jobServiceType").asText()).isEqualTo("VSCode");
    assertThat(s.at("/my_app/jobServiceType").asText()).isEqualTo("Custom");
    assertThat(s.at("/my_app/port").asInt()).isEqualTo(8080);
    assertThat(s.at("/my_app/properties/protocol").asText()).isEqualTo("http");
  }
}
