package io.partitrain.worker.backend.azureml;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.partitrain.assets.AnonymousEnvironments;
import io.partitrain.assets.CodeSnapshot;
import io.partitrain.shared.contracts.JobNames;
import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.shared.plan.LocalPathCheck;
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
 * Environments as az ml registers them (issue 25, item 2), against the fake ARM and a real Azurite:
 * an inline {@code image + conda_file} and a {@code file:} environment become one anonymous
 * environment version each (name and version from the content, the conda file sent as its YAML
 * text), registered once however many runs submit the same content; a {@code build:} context is
 * uploaded to the default datastore (its blobs equal the local files) and registered with {@code
 * build.contextUri} and {@code dockerfilePath}. The fake validates every environment body against
 * the OpenAPI excerpt.
 */
@Timeout(120)
class AzureMlEnvironmentsTest {

  static Azurite azurite;
  FakeArmServer fake;
  AzureMlBackend backend;
  @TempDir Path plan;

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
    Files.createDirectories(plan.resolve(".git"));
    Files.writeString(
        plan.resolve("plan.yml"), "name: envs\njob: job.yml\npartitions:\n  inline: [s1, s2]\n");
  }

  @AfterEach
  void stop() {
    backend.close();
    fake.close();
  }

  /** Submits every partition of the plan in {@code run}; returns the first job's properties. */
  JsonNode submitAll(String run) {
    Plan p = PlanLoader.load(plan.resolve("plan.yml"));
    LocalPathCheck.requireAll(p);
    JsonNode first = null;
    for (var partition : p.partitions()) {
      JobSpec spec = p.template().render(run, partition);
      JobRef ref = new JobRef(run, partition.id(), 1, JobNames.of(run, partition.id(), 1));
      backend.submit(new JobRequest(ref, spec, partition.tags()));
      if (first == null) {
        first = fake.jobs.get(ref.jobName()).properties;
      }
    }
    assertThat(fake.bodyViolations).isEmpty();
    return first;
  }

  int served(String kind) {
    var c = fake.requestsByKind.get(kind);
    return c == null ? 0 : c.get();
  }

  JsonNode registered(JsonNode job) throws Exception {
    String id = job.path("environmentId").asText();
    assertThat(id).contains("/environments/" + AnonymousEnvironments.NAME + "/versions/");
    String version = id.substring(id.lastIndexOf('/') + 1);
    String body = fake.environments.get(AnonymousEnvironments.NAME + ":" + version);
    assertThat(body).as("environment version %s registered", version).isNotNull();
    return new ObjectMapper().readTree(body).path("properties");
  }

  @Test
  void anInlineImageAndCondaFileIsRegisteredOnceAcrossRunsWithTheCondaYamlAsText()
      throws Exception {
    String conda = "name: train\ndependencies:\n  - python=3.11\n  - scikit-learn=1.5\n";
    Files.writeString(plan.resolve("conda.yml"), conda);
    Files.writeString(
        plan.resolve("job.yml"),
        "command: python -c 'print(1)'\ncompute: azureml:cpu-cluster\nenvironment:\n"
            + "  image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest\n"
            + "  conda_file: ./conda.yml\n");

    JsonNode first = submitAll("envs-2026-W48");
    JsonNode second = submitAll("envs-2026-W49");

    assertThat(second.path("environmentId")).isEqualTo(first.path("environmentId"));
    assertThat(served("environments.put")).isEqualTo(1);
    JsonNode env = registered(first);
    assertThat(env.path("condaFile").asText()).isEqualTo(conda);
    assertThat(env.path("image").asText())
        .isEqualTo("mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest");
    assertThat(env.path("isAnonymous").asBoolean()).isTrue();
    assertThat(fake.environments).hasSize(1);
  }

  @Test
  void aChangedCondaFileIsANewVersion() throws Exception {
    Files.writeString(plan.resolve("conda.yml"), "dependencies: [python=3.11]\n");
    Files.writeString(
        plan.resolve("job.yml"),
        "command: python -c 'print(1)'\ncompute: azureml:cpu-cluster\n"
            + "environment: {image: 'python:3.11', conda_file: ./conda.yml}\n");
    JsonNode before = submitAll("envs-2026-W48");
    Files.writeString(plan.resolve("conda.yml"), "dependencies: [python=3.12]\n");

    JsonNode after = submitAll("envs-2026-W49");

    assertThat(after.path("environmentId")).isNotEqualTo(before.path("environmentId"));
    assertThat(fake.environments).hasSize(2);
  }

  @Test
  void aFileEnvironmentIsRegisteredLikeTheSameEnvironmentInline() throws Exception {
    Path envDir = Files.createDirectories(plan.resolve("envs"));
    Files.writeString(
        envDir.resolve("env.yml"),
        "name: train-env\nversion: 7\nimage: 'python:3.11'\nconda_file: conda.yml\n");
    Files.writeString(envDir.resolve("conda.yml"), "dependencies: [python=3.11]\n");
    Files.writeString(
        plan.resolve("job.yml"),
        "command: python -c 'print(1)'\ncompute: azureml:cpu-cluster\n"
            + "environment: file:./envs/env.yml\n");
    JsonNode fromFile = submitAll("envs-2026-W48");
    Files.writeString(
        plan.resolve("job.yml"),
        "command: python -c 'print(1)'\ncompute: azureml:cpu-cluster\n"
            + "environment: {image: 'python:3.11', conda_file: ./envs/conda.yml}\n");

    JsonNode inline = submitAll("envs-2026-W49");

    assertThat(inline.path("environmentId")).isEqualTo(fromFile.path("environmentId"));
    assertThat(registered(fromFile).path("condaFile").asText())
        .isEqualTo("dependencies: [python=3.11]\n");
  }

  @Test
  void aBuildContextIsUploadedToTheDefaultDatastoreAndRegisteredWithItsDockerfilePath()
      throws Exception {
    Path ctx = Files.createDirectories(plan.resolve("docker-context/docker"));
    String dockerfile = "FROM python:3.11\nCOPY requirements.txt .\n";
    Files.writeString(ctx.resolve("train.Dockerfile"), dockerfile);
    Files.writeString(plan.resolve("docker-context/requirements.txt"), "numpy==2.1\n");
    Files.writeString(
        plan.resolve("job.yml"),
        "command: python -c 'print(1)'\ncompute: azureml:cpu-cluster\nenvironment:\n"
            + "  build: {path: ./docker-context, dockerfile_path: docker/train.Dockerfile}\n");

    JsonNode first = submitAll("envs-2026-W48");
    submitAll("envs-2026-W49");

    JsonNode build = registered(first).path("build");
    assertThat(build.path("dockerfilePath").asText()).isEqualTo("docker/train.Dockerfile");
    String hash = CodeSnapshot.of("environment.build.path", plan.resolve("docker-context")).hash();
    String prefix = "LocalUpload/" + hash + "/docker-context/";
    assertThat(build.path("contextUri").asText())
        .isEqualTo(azurite.container(fake.uploadContainer).getBlobContainerUrl() + "/" + prefix);
    var container = azurite.container(fake.uploadContainer);
    assertThat(container.getBlobClient(prefix + "docker/train.Dockerfile").downloadContent())
        .hasToString(dockerfile);
    assertThat(container.getBlobClient(prefix + "requirements.txt").downloadContent())
        .hasToString("numpy==2.1\n");
    assertThat(azurite.requests("PUT", fake.uploadContainer, prefix + "requirements.txt"))
        .isEqualTo(1);
    assertThat(fake.environments).hasSize(1);
  }
}
