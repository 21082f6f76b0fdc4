package io.partitrain.shared.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.shared.contracts.PartitionSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanLoaderTest {

  @TempDir Path dir;

  static final String JOB =
      """
      $schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json
      type: command
      command: java Train.java --sales ${{inputs.sales}} --model ${{outputs.model}} --store ${{partition.id}} --region ${{partition.tags.region}}
      code: ./src
      environment: azureml:partitrain-jdk17@latest
      compute: azureml:cpu-cluster
      inputs:
        sales:
          type: uri_file
          path: ./data/${{partition.id}}.csv
        epochs: 3
      outputs:
        model:
          type: uri_folder
      environment_variables:
        RUN: ${{run.id}}
      resources:
        instance_count: 2
        instance_type: Standard_DS3_v2
      limits:
        timeout: 120
      experiment_name: weekly-demand
      display_name: ${{run.id}}-${{partition.id}}
      tags:
        region: ${{partition.tags.region}}
      distribution:
        type: pytorch
        process_count_per_instance: 1
      """;

  static final String PLAN =
      """
      name: weekly-demand
      job: job.yml
      partitions:
        file: stores.csv
      retry:
        maxAttempts: 4
        backoff: {initial: PT2S, multiplier: 3.0, max: PT1M, jitter: 0.1}
      concurrency:
        maxInFlight: 6
      """;

  static final String CSV =
      "store_id,region,business_unit\nstore-001,north,grocery\nstore-002,south,convenience\n";

  @BeforeEach
  void writeValidPlan() throws IOException {
    write("job.yml", JOB);
    write("plan.yml", PLAN);
    write("stores.csv", CSV);
  }

  private void write(String name, String text) throws IOException {
    Files.writeString(dir.resolve(name), text);
  }

  private PlanValidationException refused() {
    return org.junit.jupiter.api.Assertions.assertThrows(
        PlanValidationException.class, () -> PlanLoader.load(dir.resolve("plan.yml")));
  }

  @Test
  void aValidPlanLoadsWithPartitionsTagsPoliciesAndAbsolutePaths() {
    Plan plan = PlanLoader.load(dir.resolve("plan.yml"));
    assertThat(plan.name()).isEqualTo("weekly-demand");
    assertThat(plan.partitions())
        .containsExactly(
            new PartitionSpec("store-001", Map.of("region", "north", "business_unit", "grocery")),
            new PartitionSpec(
                "store-002", Map.of("region", "south", "business_unit", "convenience")));
    assertThat(plan.definition().retry().maxAttempts()).isEqualTo(4);
    assertThat(plan.definition().retry().initialBackoff()).isEqualTo(Duration.ofSeconds(2));
    assertThat(plan.definition().limits().maxInFlight()).isEqualTo(6);
    assertThat(plan.definition().jobTemplate().path("code").asText())
        .isEqualTo(dir.resolve("src").toString());
  }

  @Test
  void renderingSubstitutesPartitionPlaceholdersAndLeavesInputsAndOutputsForTheBackend() {
    Plan plan = PlanLoader.load(dir.resolve("plan.yml"));
    JobSpec spec = plan.template().render("weekly-demand-2026-W48", plan.partitions().get(1));
    assertThat(spec.command())
        .isEqualTo(
            "java Train.java --sales ${{inputs.sales}} --model ${{outputs.model}}"
                + " --store store-002 --region south");
    assertThat(spec.inputs().get("sales").path())
        .isEqualTo(dir.resolve("data/store-002.csv").toString());
    assertThat(spec.inputs().get("epochs").value()).isEqualTo(3);
    assertThat(spec.environmentVariables()).containsEntry("RUN", "weekly-demand-2026-W48");
    assertThat(spec.displayName()).isEqualTo("weekly-demand-2026-W48-store-002");
    assertThat(spec.tags()).containsEntry("region", "south");
    assertThat(spec.nodes()).isEqualTo(2);
    assertThat(spec.computeTarget()).isEqualTo("cpu-cluster");
    assertThat(spec.limits().timeout()).isEqualTo(Duration.ofSeconds(120));
    assertThat(spec.extensions()).containsKey("distribution");
  }

  @Test
  void anInvalidPartitionIdIsRefusedNamingFileFieldValueAndRule() throws IOException {
    write("stores.csv", "store_id,region,business_unit\nstore 1,north,grocery\n");
    PlanValidationException e = refused();
    assertThat(e.violations())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.file()).endsWith("plan.yml");
              assertThat(v.field()).isEqualTo("partitions[0].id");
              assertThat(v.value()).isEqualTo("store 1");
              assertThat(v.rule()).contains("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$");
            });
  }

  @Test
  void duplicatePartitionIdsAreRefused() throws IOException {
    write("stores.csv", CSV + "store-001,east,grocery\n");
    assertThat(refused().getMessage()).contains("store-001").contains("unique");
  }

  @Test
  void aCsvRowWithTheWrongColumnCountIsRefusedWithItsRowNumber() throws IOException {
    write("stores.csv", CSV + "store-003,east\n");
    assertThat(refused().violations())
        .singleElement()
        .satisfies(v -> assertThat(v.field()).isEqualTo("row 4"));
  }

  @Test
  void aMissingTagUsedByThePlaceholdersIsRefusedBeforeAnythingRuns() throws IOException {
    write("stores.csv", "store_id,business_unit\nstore-001,grocery\n");
    PlanValidationException e = refused();
    assertThat(e.getMessage()).contains("no tag 'region'").contains("store-001");
  }

  @Test
  void aTagValueThatWouldReachTheShellUnsafelyIsRefused() throws IOException {
    write("stores.csv", "store_id,region,business_unit\nstore-001,north;rm -rf ~,grocery\n");
    assertThat(refused().getMessage())
        .contains("north;rm -rf ~")
        .contains(JobTemplate.SAFE_COMMAND_VALUE_RULE);
  }

  @Test
  void unknownPlaceholdersAndUndeclaredInputsAreRefused() throws IOException {
    write(
        "job.yml",
        JOB.replace(
            "--store ${{partition.id}}", "--store ${{partition.name}} --x ${{inputs.nope}}"));
    PlanValidationException e = refused();
    assertThat(e.getMessage())
        .contains("${{partition.name}}")
        .contains("unknown placeholder")
        .contains("${{inputs.nope}}")
        .contains("does not declare");
  }

  @Test
  void badJobFieldsAreRefusedEachWithItsRule() throws IOException {
    write(
        "job.yml",
        JOB.replace("instance_count: 2", "instance_count: 0")
                .replace("timeout: 120", "timeout: soon")
                .replace("type: command", "type: sweep")
            + "name: fixed\n");
    PlanValidationException e = refused();
    assertThat(e.violations())
        .extracting(PlanViolation::field)
        .contains("resources.instance_count", "limits.timeout", "type", "name");
  }

  @Test
  void aMissingCommandIsRefused() throws IOException {
    write("job.yml", "code: ./src\n");
    assertThat(refused().violations()).extracting(PlanViolation::field).contains("command");
  }

  @Test
  void badPlanKeysAndValuesAreAllReportedTogether() throws IOException {
    write(
        "plan.yml",
        """
        name: "bad name!"
        job: missing.yml
        partitions:
          inline: [a]
        retry:
          maxAttempts: 0
          backoff: {initial: 2s, jitter: 3}
        concurrency:
          maxInFlight: -1
        colour: blue
        """);
    PlanValidationException e = refused();
    assertThat(e.violations())
        .extracting(PlanViolation::field)
        .contains(
            "name",
            "job",
            "retry.maxAttempts",
            "retry.backoff.initial",
            "retry.backoff.jitter",
            "concurrency.maxInFlight",
            "colour");
    assertThat(e.getMessage()).contains("'bad name!'").contains("PT30S");
  }

  @Test
  void partitionsNeedExactlyOneSource() throws IOException {
    write("plan.yml", PLAN.replace("file: stores.csv", "file: stores.csv\n  inline: [a]"));
    assertThat(refused().violations()).extracting(PlanViolation::field).contains("partitions");
  }

  @Test
  void inlinePartitionsWithTagsWork() throws IOException {
    write(
        "plan.yml",
        PLAN.replace(
            "file: stores.csv",
            "inline:\n    - {id: s1, tags: {region: north}}\n    - {id: s2, tags: {region: west}}"));
    Plan plan = PlanLoader.load(dir.resolve("plan.yml"));
    assertThat(plan.partitions()).extracting(PartitionSpec::id).containsExactly("s1", "s2");
  }

  @Test
  void unreadableYamlIsRefusedNotThrownAsAParserError() throws IOException {
    write("plan.yml", "name: [unclosed\n");
    assertThat(refused().violations())
        .singleElement()
        .satisfies(v -> assertThat(v.field()).isEqualTo("(file)"));
  }

  @Test
  void placeholdersSubstituteOnlyWhatTheResolverKnows() {
    String out =
        Placeholders.substitute(
            "a ${{partition.id}} b ${{ run.id }} c ${{inputs.x}}",
            Placeholders.partitionResolver("R", "P", Map.of()));
    assertThat(out).isEqualTo("a P b R c ${{inputs.x}}");
    assertThat(Placeholders.expressions("${{partition.tags.region}}/${{outputs.m}}"))
        .containsExactly("partition.tags.region", "outputs.m");
  }
}
