package io.partitrain.shared.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.shared.contracts.PartitionSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Environments as az ml reads them (issue 25, item 2): an inline environment's conda file and build
 * context are resolved against the job.yml's folder, {@code file:} loads the environment YAML and
 * resolves its paths against its own folder, and each bad one is refused in one line naming the
 * field and the value before anything is uploaded.
 */
class EnvironmentPathsTest {

  @TempDir Path root;
  Path plan;

  @BeforeEach
  void aPlan() throws Exception {
    plan = Files.createDirectories(root.resolve("plan"));
    Files.writeString(plan.resolve("parts.csv"), "id\np1\n");
    Files.writeString(
        plan.resolve("plan.yml"), "name: envs\njob: job.yml\npartitions:\n  file: parts.csv\n");
  }

  private Plan load(String environmentLines) throws Exception {
    Files.writeString(plan.resolve("job.yml"), "command: echo hi\n" + environmentLines + "\n");
    return PlanLoader.load(plan.resolve("plan.yml"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> environment(Plan p) {
    JobSpec job = p.template().render("r1", new PartitionSpec("p1", Map.of()));
    return (Map<String, Object>) job.environment();
  }

  private static String firstLine(Throwable e) {
    return e.getMessage().lines().findFirst().orElseThrow();
  }

  @Test
  void anInlineCondaFileAndBuildContextBecomeAbsoluteAgainstTheJobYmlsFolder() throws Exception {
    Files.writeString(plan.resolve("conda.yml"), "dependencies: [python=3.11]\n");
    Files.createDirectories(plan.resolve("ctx"));
    Files.writeString(plan.resolve("ctx/Dockerfile"), "FROM python:3.11\n");

    Plan p = load("environment: {image: 'python:3.11', conda_file: ./conda.yml}");

    assertThat(environment(p).get("conda_file")).isEqualTo(plan.resolve("conda.yml").toString());
    LocalPathCheck.requireAll(p);
    Plan b = load("environment: {build: {path: ./ctx}}");
    assertThat(((Map<?, ?>) environment(b).get("build")).get("path"))
        .isEqualTo(plan.resolve("ctx").toString());
    LocalPathCheck.requireAll(b);
  }

  @Test
  void aFileEnvironmentIsLoadedAndItsPathsResolveAgainstItsOwnFolder() throws Exception {
    Path envDir = Files.createDirectories(plan.resolve("envs/train"));
    Files.writeString(
        envDir.resolve("env.yml"),
        "$schema: https://azuremlschemas.azureedge.net/latest/environment.schema.json\n"
            + "name: train-env\nimage: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04\n"
            + "conda_file: conda.yml\n");
    Files.writeString(envDir.resolve("conda.yml"), "dependencies: [python=3.11]\n");

    Plan p = load("environment: file:./envs/train/env.yml");

    assertThat(environment(p))
        .containsEntry("image", "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04")
        .containsEntry("conda_file", envDir.resolve("conda.yml").toString())
        .doesNotContainKeys("$schema", "name");
    LocalPathCheck.requireAll(p);
  }

  @Test
  void aMissingCondaFileIsRefusedInOneLineNamingFieldAndValue() throws Exception {
    Plan p = load("environment: {image: 'python:3.11', conda_file: ./missing-conda.yml}");

    assertThatThrownBy(() -> LocalPathCheck.requireAll(p))
        .satisfies(
            e ->
                assertThat(firstLine(e))
                    .contains("environment.conda_file")
                    .contains("missing-conda.yml")
                    .contains("must be an existing conda file"));
  }

  @Test
  void aBuildContextWithoutADockerfileIsRefusedInOneLine() throws Exception {
    Files.createDirectories(plan.resolve("ctx"));
    Files.writeString(plan.resolve("ctx/requirements.txt"), "numpy\n");
    Plan p = load("environment: {build: {path: ./ctx}}");

    assertThatThrownBy(() -> LocalPathCheck.requireAll(p))
        .satisfies(
            e ->
                assertThat(firstLine(e))
                    .contains("environment.build.path")
                    .contains("ctx")
                    .contains("no Dockerfile"));
  }

  @Test
  void aFileThatIsNotAnEnvironmentIsRefusedAtLoadInOneLine() throws Exception {
    Files.writeString(plan.resolve("notenv.yml"), "command: python train.py\n");

    assertThatThrownBy(() -> load("environment: file:./notenv.yml"))
        .isInstanceOf(PlanValidationException.class)
        .satisfies(
            e ->
                assertThat(firstLine(e))
                    .contains("environment")
                    .contains("file:./notenv.yml")
                    .contains("must name an environment YAML file"));
  }

  @Test
  void aCondaFileOutsideThePlansRootIsRefused() throws Exception {
    Files.writeString(root.resolve("conda.yml"), "dependencies: []\n");

    assertThatThrownBy(() -> load("environment: {image: 'python:3.11', conda_file: ../conda.yml}"))
        .isInstanceOf(PlanValidationException.class)
        .satisfies(e -> assertThat(firstLine(e)).contains("environment.conda_file"));
  }
}
