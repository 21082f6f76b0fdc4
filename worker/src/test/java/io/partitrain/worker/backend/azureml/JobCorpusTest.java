package io.partitrain.worker.backend.azureml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.assets.AssetResolver.AssetKind;
import io.partitrain.assets.CodeSnapshot;
import io.partitrain.assets.LocalUploads;
import io.partitrain.shared.contracts.JobNames;
import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.shared.plan.JobTemplate;
import io.partitrain.shared.plan.LocalPathCheck;
import io.partitrain.shared.plan.Plan;
import io.partitrain.shared.plan.PlanLoader;
import io.partitrain.shared.plan.PlanValidationException;
import io.partitrain.worker.backend.JobRef;
import io.partitrain.worker.backend.JobRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The corpus: the CLI examples of {@code azureml-spec/cli-examples} and Partitrain's own job files
 * of {@code job-corpus/} (services, model inputs and outputs, paths that climb with {@code ..}),
 * each loaded as {@code run start} loads it and translated to the body the azureml backend sends,
 * which must validate against the OpenAPI excerpt. Local paths go to uploads that check the file or
 * folder is where the job.yml says. The refused ones must say why in their first line.
 */
class JobCorpusTest {

  static final String RUN = "weekly-demand-2026-W48";
  static final Path CORPUS = OpenApiValidator.specDir().getParent().resolve("job-corpus");

  final OpenApiValidator openApi = OpenApiValidator.load();
  final OpenApiValidator moreAssets = OpenApiValidator.loadMoreAssets();
  final ArmPaths paths = new ArmPaths(TestConfigs.offline());
  final List<Path> uploaded = new ArrayList<>();

  /** The CLI examples come without their code folders: only the job.yml files were copied. */
  boolean localFilesPresent = true;

  final LocalUploads uploads =
      new LocalUploads() {
        @Override
        public String codeVersionId(String runId, Path folder) {
          assertThat(!localFilesPresent || Files.isDirectory(folder)).as("%s", folder).isTrue();
          uploaded.add(folder);
          return paths
              .assets()
              .assetVersionId(
                  AssetKind.CODE,
                  localFilesPresent ? CodeSnapshot.of("code", folder).assetName() : "example-code",
                  "1");
        }

        @Override
        public String dataUri(String runId, String field, Path path) {
          assertThat(!localFilesPresent || Files.exists(path)).as("%s", path).isTrue();
          uploaded.add(path);
          return "azureml://datastores/workspaceblobstore/paths/LocalUpload/"
              + (localFilesPresent ? CodeSnapshot.of(field, path).hash() : "example")
              + "/"
              + path.getFileName();
        }

        @Override
        public String buildContextUri(String runId, String field, Path folder) {
          assertThat(!localFilesPresent || Files.isDirectory(folder)).as("%s", folder).isTrue();
          uploaded.add(folder);
          return "https://account.blob.core.windows.net/azureml-blobstore/LocalUpload/"
              + (localFilesPresent ? CodeSnapshot.of(field, folder).hash() : "example")
              + "/"
              + folder.getFileName()
              + "/";
        }
      };
  final JobBodyTranslator translator =
      new JobBodyTranslator(paths, (runId, kind, name) -> "3", uploads);

  static Stream<Path> accepted() throws IOException {
    return plans(CORPUS.resolve("accepted"));
  }

  static Stream<Path> refused() throws IOException {
    return plans(CORPUS.resolve("refused"));
  }

  static Stream<Path> cliExamples() throws IOException {
    try (Stream<Path> files = Files.list(OpenApiValidator.specDir().resolve("cli-examples"))) {
      return files.sorted().toList().stream();
    }
  }

  private static Stream<Path> plans(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(p -> p.getFileName().toString().equals("plan.yml"))
          .sorted()
          .toList()
          .stream();
    }
  }

  JsonNode translated(JobSpec spec, String partition) {
    JobRef ref = new JobRef(RUN, partition, 1, JobNames.of(RUN, partition, 1));
    var t = translator.translate(new JobRequest(ref, spec, java.util.Map.of()));
    for (var registration : t.prerequisites()) {
      assertThat(moreAssets.validateRequest("EnvironmentVersionResource", registration.body()))
          .as(registration.body().toPrettyString())
          .isEmpty();
    }
    JsonNode body = t.body();
    assertThat(openApi.validateRequest("JobBaseResource", body))
        .as(body.toPrettyString())
        .isEmpty();
    return body;
  }

  @ParameterizedTest
  @MethodSource("accepted")
  void ourJobFilesTranslateToBodiesThatValidateAndFindTheirLocalFiles(Path planFile) {
    Plan plan = PlanLoader.load(planFile);
    var partition = plan.partitions().get(0);

    JsonNode body = translated(plan.template().render(RUN, partition), partition.id());

    assertThat(body.at("/properties/jobType").asText()).isEqualTo("Command");
    uploaded.forEach(
        p -> assertThat(p.normalize()).startsWith(Path.of(plan.definition().planRoot())));
  }

  @ParameterizedTest
  @MethodSource("refused")
  void badJobFilesAreRefusedWithTheRuleInTheFirstLine(Path planFile) throws IOException {
    String expected = Files.readString(planFile.resolveSibling("expected.txt")).strip();

    assertThatThrownBy(() -> LocalPathCheck.requireAll(PlanLoader.load(planFile)))
        .isInstanceOfSatisfying(
            PlanValidationException.class,
            e ->
                assertThat(e.getMessage().lines().findFirst().orElseThrow())
                    .startsWith("the plan is refused: " + planFile.resolveSibling("job.yml"))
                    .contains(expected));
  }

  /**
   * The CLI examples: each translates to a valid body, the Docker build context example too (its
   * context is uploaded like a local input and registered as an anonymous environment version).
   */
  @ParameterizedTest
  @MethodSource("cliExamples")
  void theCliExamplesTranslateToBodiesThatValidate(Path jobYml) {
    localFilesPresent = false;
    JobSpec spec =
        JobTemplate.load(jobYml)
            .render(
                RUN, new io.partitrain.shared.contracts.PartitionSpec("s1", java.util.Map.of()));
    translated(spec, "s1");
  }
}
