package io.partitrain.worker.backend.azureml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.assets.AssetResolver;
import io.partitrain.assets.AssetResolver.AssetKind;
import io.partitrain.assets.AzureMlTranslationException;
import io.partitrain.shared.contracts.JobNames;
import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.plan.JobTemplate;
import io.partitrain.worker.backend.JobRef;
import io.partitrain.worker.backend.JobRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The five CLI v2 examples of worker/src/test/resources/azureml-spec/cli-examples, translated to
 * ARM bodies and checked against the OpenAPI excerpt. Examples that need an upload (a local code
 * folder, an environment build context) are refused with a message that says how to register the
 * asset; the same example with the asset registered translates to a valid body.
 */
class JobBodyTranslatorTest {

  static final String RUN = "weekly-demand-2026-W48";
  static final PartitionSpec STORE = new PartitionSpec("store-017", Map.of("region", "north"));
  static final String WS =
      "/subscriptions/"
          + TestConfigs.SUBSCRIPTION
          + "/resourceGroups/test-rg/providers/Microsoft.MachineLearningServices/workspaces/my-aml-workspace";

  final OpenApiValidator openApi = OpenApiValidator.load();
  final List<String> latestLookups = new ArrayList<>();
  final AssetResolver resolver =
      (runId, kind, name) -> {
        latestLookups.add(kind + ":" + name);
        return kind == AssetKind.ENVIRONMENT ? "7" : "3";
      };
  final JobBodyTranslator translator =
      new JobBodyTranslator(new ArmPaths(TestConfigs.offline()), resolver);

  @TempDir Path tmp;

  static Path example(String file) {
    return OpenApiValidator.specDir().resolve("cli-examples").resolve(file);
  }

  static JobRequest request(JobSpec spec) {
    return new JobRequest(
        new JobRef(RUN, STORE.id(), 2, JobNames.of(RUN, STORE.id(), 2)), spec, STORE.tags());
  }

  JobBodyTranslator.Translation translate(Path jobYml) {
    JobSpec spec = JobTemplate.load(jobYml).render(RUN, STORE);
    return translator.translate(request(spec));
  }

  /** The example with some lines replaced: what a user does after registering an asset. */
  Path fixed(String file, String... replacements) throws IOException {
    String text = Files.readString(example(file));
    for (int i = 0; i < replacements.length; i += 2) {
      assertThat(text).contains(replacements[i]);
      text = text.replace(replacements[i], replacements[i + 1]);
    }
    Path out = tmp.resolve(file);
    Files.writeString(out, text);
    return out;
  }

  void assertValid(JsonNode body) {
    assertThat(openApi.validateRequest("JobBaseResource", body))
        .as(body.toPrettyString())
        .isEmpty();
  }

  @Test
  void helloWorldInputKeepsInputPlaceholdersAndRegistersTheInlineImageAsAnonymousEnvironment() {
    var t = translate(example("basics__hello-world-input.yml"));
    JsonNode p = t.body().get("properties");

    assertValid(t.body());
    assertThat(p.get("jobType").asText()).isEqualTo("Command");
    assertThat(p.get("command").asText())
        .contains("echo ${{inputs.hello_string}}")
        .contains("echo ${{inputs.hello_number}}");
    assertThat(p.at("/inputs/hello_string/jobInputType").asText()).isEqualTo("literal");
    assertThat(p.at("/inputs/hello_string/value").asText()).isEqualTo("hello world");
    assertThat(p.at("/inputs/hello_number/value").asText()).isEqualTo("42");
    assertThat(p.has("computeId")).as("no compute: serverless").isFalse();
    assertThat(t.prerequisites())
        .singleElement()
        .satisfies(
            env -> {
              assertThat(env.method()).isEqualTo("PUT");
              assertThat(env.url())
                  .contains("/environments/CliV2AnonymousEnvironment/versions/")
                  .endsWith("?api-version=2025-12-01");
              assertThat(env.body().at("/properties/image").asText())
                  .isEqualTo("library/python:latest");
              assertThat(env.body().at("/properties/isAnonymous").asBoolean()).isTrue();
            });
    assertThat(p.get("environmentId").asText())
        .startsWith(WS + "/environments/CliV2AnonymousEnvironment/versions/");
  }

  @Test
  void helloWorldOrgCarriesNamesDescriptionAndTagsIncludingPartitrains() {
    JsonNode p = translate(example("basics__hello-world-org.yml")).body().get("properties");

    assertThat(p.get("displayName").asText()).isEqualTo("hello-world-example");
    assertThat(p.get("experimentName").asText()).isEqualTo("hello-world-example");
    assertThat(p.get("description").asText())
        .startsWith("# Azure Machine Learning \"hello world\" job");
    assertThat(p.get("tags")).isNotNull();
    assertThat(p.at("/tags/hello").asText()).isEqualTo("world");
    assertThat(p.at("/tags/region").asText()).as("partition tag").isEqualTo("north");
    assertThat(p.at("/tags/partitrain.run").asText()).isEqualTo(RUN);
    assertThat(p.at("/tags/partitrain.partition").asText()).isEqualTo("store-017");
    assertThat(p.at("/tags/partitrain.attempt").asText()).isEqualTo("2");
    assertThat(p.get("tags").has("partitrain.run." + RUN)).as("run key for list-by-tag").isTrue();
    assertValid(translate(example("basics__hello-world-org.yml")).body());
  }

  @Test
  void lightgbmIsRefusedForItsLocalCodeFolderWithTheRegisterCommand() {
    assertThatThrownBy(() -> translate(example("single-step__lightgbm__iris__job.yml")))
        .isInstanceOf(AzureMlTranslationException.class)
        .hasMessageContaining("job.yml code = ")
        .hasMessageContaining("is a local folder")
        .hasMessageContaining("az ml code create --name NAME --version 1 --path")
        .hasMessageContaining("code: azureml:NAME:1");
  }

  @Test
  void lightgbmWithRegisteredCodeResolvesLatestEnvironmentComputeAndUriFileInput()
      throws IOException {
    var t =
        translate(
            fixed("single-step__lightgbm__iris__job.yml", "code: src", "code: azureml:iris-src:4"));
    JsonNode p = t.body().get("properties");

    assertValid(t.body());
    assertThat(t.prerequisites()).isEmpty();
    assertThat(p.get("codeId").asText()).isEqualTo(WS + "/codes/iris-src/versions/4");
    assertThat(p.get("environmentId").asText())
        .isEqualTo(WS + "/environments/AzureML-lightgbm-3.3/versions/7");
    assertThat(p.get("computeId").asText()).isEqualTo(WS + "/computes/cpu-cluster");
    assertThat(p.at("/inputs/iris_csv/jobInputType").asText()).isEqualTo("uri_file");
    assertThat(p.at("/inputs/iris_csv/uri").asText())
        .isEqualTo("https://azuremlexamples.blob.core.windows.net/datasets/iris.csv");
    assertThat(p.get("command").asText())
        .isEqualTo("python main.py --iris-csv ${{inputs.iris_csv}}");
    assertThat(latestLookups).containsExactly("ENVIRONMENT:AzureML-lightgbm-3.3");
  }

  @Test
  void pytorchDistributedMapsDistributionInstanceCountAndLatestDataAsset() throws IOException {
    assertThatThrownBy(() -> translate(example("single-step__pytorch__cifar-distributed__job.yml")))
        .isInstanceOf(AzureMlTranslationException.class)
        .hasMessageContaining("local folder");

    var t =
        translate(
            fixed(
                "single-step__pytorch__cifar-distributed__job.yml",
                "code: src",
                "code: azureml:cifar-src:1"));
    JsonNode p = t.body().get("properties");

    assertValid(t.body());
    assertThat(p.at("/distribution/distributionType").asText()).isEqualTo("PyTorch");
    assertThat(p.at("/distribution/processCountPerInstance").asInt()).isEqualTo(1);
    assertThat(p.at("/resources/instanceCount").asInt()).isEqualTo(2);
    assertThat(p.at("/inputs/epochs/value").asText()).isEqualTo("1");
    assertThat(p.at("/inputs/learning_rate/value").asText()).isEqualTo("0.2");
    assertThat(p.at("/inputs/cifar/jobInputType").asText()).isEqualTo("uri_folder");
    assertThat(p.at("/inputs/cifar/uri").asText())
        .isEqualTo("azureml:" + WS + "/data/cifar-10-example/versions/3");
  }

  @Test
  void deepspeedWithoutUploadsIsRefusedForItsBuildContextAndTranslatesWithARegisteredEnvironment()
      throws IOException {
    assertThatThrownBy(() -> translate(example("deepspeed__deepspeed-training__job.yml")))
        .isInstanceOf(AzureMlTranslationException.class)
        .hasMessageContaining("environment.build.path")
        .hasMessageContaining("az ml environment create");

    var t =
        translate(
            fixed(
                "deepspeed__deepspeed-training__job.yml",
                "code: src",
                "code: azureml:deepspeed-src:2",
                "environment:\n  build:\n    path: docker-context",
                "environment: azureml:deepspeed-env:5"));
    JsonNode p = t.body().get("properties");

    assertValid(t.body());
    assertThat(p.at("/limits/jobLimitsType").asText()).isEqualTo("Command");
    assertThat(p.at("/limits/timeout").asText()).isEqualTo("PT15M");
    assertThat(p.at("/outputs/output/jobOutputType").asText()).isEqualTo("uri_folder");
    assertThat(p.at("/outputs/output/mode").asText()).isEqualTo("ReadWriteMount");
    assertThat(p.at("/outputs/output/uri").asText())
        .isEqualTo("azureml://datastores/workspaceblobstore/paths/outputs/training_results");
    assertThat(p.at("/distribution/processCountPerInstance").asInt()).isEqualTo(8);
    assertThat(p.get("environmentId").asText())
        .isEqualTo(WS + "/environments/deepspeed-env/versions/5");
    assertThat(p.get("computeId").asText()).isEqualTo(WS + "/computes/gpu-v100-cluster");
  }

  @Test
  void timeoutFromTheRunBudgetBecomesWholeSecondsIsoDuration() {
    JobSpec spec =
        JobTemplate.load(example("basics__hello-world-org.yml"))
            .render(RUN, STORE)
            .withTimeout(Duration.ofMillis(5_400_500));
    JsonNode p = translator.translate(request(spec)).body().get("properties");
    assertThat(p.at("/limits/timeout").asText()).isEqualTo("PT1H30M1S");
  }

  @Test
  void identityQueueSettingsAndEnvironmentVariablesTranslateToValidBody() throws IOException {
    Path yml = tmp.resolve("job.yml");
    Files.writeString(
        yml,
        """
        command: python train.py --store ${{partition.id}}
        environment: azureml:/subscriptions/x/resourceGroups/y/providers/Microsoft.MachineLearningServices/workspaces/z/environments/e/versions/1
        compute: azureml:cpu-cluster
        environment_variables: {STORE: "${{partition.id}}", REGION: "${{partition.tags.region}}"}
        identity: {type: managed, client_id: 6c1a1d2e-2f9b-4b0a-9d1e-3c1f2b3a4d5e}
        queue_settings: {job_tier: spot}
        resources: {instance_count: 1, instance_type: Standard_DS3_v2}
        inputs:
          sales: {type: mltable, path: "azureml://datastores/sales/paths/${{partition.id}}/", mode: download}
        """);
    JsonNode p = translate(yml).body().get("properties");

    assertThat(openApi.validateRequest("JobBaseResource", translate(yml).body())).isEmpty();
    assertThat(p.at("/identity/identityType").asText()).isEqualTo("Managed");
    assertThat(p.at("/identity/clientId").asText())
        .isEqualTo("6c1a1d2e-2f9b-4b0a-9d1e-3c1f2b3a4d5e");
    assertThat(p.at("/queueSettings/jobTier").asText()).isEqualTo("Spot");
    assertThat(p.at("/environmentVariables/STORE").asText()).isEqualTo("store-017");
    assertThat(p.at("/environmentVariables/REGION").asText()).isEqualTo("north");
    assertThat(p.at("/inputs/sales/mode").asText()).isEqualTo("Download");
    assertThat(p.at("/inputs/sales/uri").asText())
        .isEqualTo("azureml://datastores/sales/paths/store-017/");
    assertThat(p.at("/resources/instanceType").asText()).isEqualTo("Standard_DS3_v2");
    assertThat(p.get("environmentId").asText()).startsWith("/subscriptions/x/");
  }

  @Test
  void unsupportedValuesFailWithTheKeyAndTheRule() throws IOException {
    Path yml = tmp.resolve("bad.yml");
    Files.writeString(
        yml,
        """
        command: echo hi
        environment: azureml:env:1
        distribution: {type: ray}
        """);
    assertThatThrownBy(() -> translate(yml))
        .isInstanceOf(AzureMlTranslationException.class)
        .hasMessage("job.yml distribution.type = 'ray': must be pytorch, tensorflow or mpi");

    Files.writeString(
        yml,
        """
        command: echo hi
        environment: azureml:env
        """);
    assertThatThrownBy(() -> translate(yml))
        .hasMessageContaining("needs a version: azureml:NAME:VERSION or azureml:NAME@latest");

    Files.writeString(
        yml,
        """
        command: echo hi
        environment: azureml:env:1
        inputs:
          data: {type: uri_folder, path: ./data, mode: ro_mount}
        """);
    assertThatThrownBy(() -> translate(yml))
        .hasMessageContaining("inputs.data.path")
        .hasMessageContaining("az ml data create");
  }

  /**
   * A start written by hand skips the CLI's check of {@code services:}: the backend refuses an
   * unknown type too, listing the known ones, and knows a REST name for each type the CLI accepts.
   */
  @Test
  void aServiceTypeUnknownToAzureMlIsRefusedListingTheKnownOnes() {
    JobSpec good = FakeArm.spec();
    JobSpec spec =
        new JobSpec(
            good.command(),
            good.code(),
            good.environment(),
            good.compute(),
            good.inputs(),
            good.outputs(),
            good.environmentVariables(),
            good.resources(),
            good.limits(),
            good.tags(),
            good.experimentName(),
            good.displayName(),
            good.description(),
            Map.of("services", Map.of("notebook", Map.of("type", "jupyter"))));

    assertThatThrownBy(() -> translator.translate(request(spec)))
        .hasMessage(
            "job.yml services.notebook.type = 'jupyter': must be one of the service types [custom,"
                + " jupyter_lab, ssh, tensor_board, vs_code]");
    assertThat(JobServicesBody.SERVICE_TYPES.keySet())
        .isEqualTo(io.partitrain.shared.plan.JobServices.TYPES);
  }

  @Test
  void theValidatorIsStrictEnoughToCatchWhatArmWouldRefuse() {
    JsonNode bad =
        io.partitrain.shared.serde.Json.mapper()
            .valueToTree(
                Map.of(
                    "properties",
                    Map.of(
                        "jobType",
                        "Command",
                        "command",
                        "echo",
                        "environmentId",
                        "x",
                        "status",
                        "Running",
                        "parentJobName",
                        "p",
                        "limits",
                        Map.of("jobLimitsType", "Command", "timeout", "900"),
                        "inputs",
                        Map.of("a", Map.of("jobInputType", "uri_file")),
                        "distribution",
                        Map.of("distributionType", "Ray"))));

    assertThat(openApi.validateRequest("JobBaseResource", bad))
        .contains(
            "$.properties.status: is read-only and must not be sent",
            "$.properties.parentJobName: is not a property of this definition (additionalProperties: false)",
            "$.properties.limits.timeout: '900' is not an ISO-8601 duration",
            "$.properties.inputs.a.uri: is required");
    assertThat(openApi.validateRequest("JobBaseResource", bad))
        .anySatisfy(
            v ->
                assertThat(v)
                    .startsWith("$.properties.distribution.distributionType: 'Ray' is not one of"));
  }
}
