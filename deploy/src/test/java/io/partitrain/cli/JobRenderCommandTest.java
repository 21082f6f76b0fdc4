package io.partitrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.shared.contracts.JobNames;
import io.partitrain.shared.serde.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code job render} on the Azure ML example plan: the request is printed, nothing is called. */
class JobRenderCommandTest {

  static final Path PLAN = Path.of("examples/weekly-demand/azureml/plan.yml");

  record Result(int exit, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new JobRenderCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  @Test
  void printsTheJobPutWithUrlAndBodyForOnePartition() throws Exception {
    Result r =
        run(
            "--plan",
            PLAN.toString(),
            "--partition",
            "store-003",
            "--attempt",
            "2",
            "--run-id",
            "weekly-demand-2026-W48",
            "--subscription",
            "6f1c2b3a-0000-4000-8000-000000000001",
            "--resource-group",
            "ml-rg",
            "--workspace",
            "demand-ws",
            "-o",
            "json");

    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode json = Json.mapper().readTree(r.out());
    JsonNode put = json.at("/requests/0");
    assertThat(put.get("method").asText()).isEqualTo("PUT");
    assertThat(put.get("url").asText())
        .isEqualTo(
            "https://management.azure.com/subscriptions/"
                + "6f1c2b3a-0000-4000-8000-000000000001/resourceGroups/ml-rg/providers/"
                + "Microsoft.MachineLearningServices/workspaces/demand-ws/jobs/"
                + JobNames.of("weekly-demand-2026-W48", "store-003", 2)
                + "?api-version=2025-12-01");
    JsonNode p = put.at("/body/properties");
    assertThat(p.get("command").asText())
        .contains("--store store-003 --region south")
        .contains("${{inputs.sales}}")
        .contains("${{outputs.model}}");
    assertThat(p.at("/inputs/sales/uri").asText())
        .isEqualTo("azureml://datastores/sales/paths/weekly/store-003/");
    assertThat(p.at("/inputs/sales/mode").asText()).isEqualTo("ReadOnlyMount");
    assertThat(p.at("/limits/timeout").asText()).isEqualTo("PT1H");
    assertThat(p.at("/tags/partitrain.attempt").asText()).isEqualTo("2");
    assertThat(p.get("environmentId").asText())
        .endsWith("/environments/weekly-demand-env/versions/{latest}");
    assertThat(json.get("notes").toString()).contains("@latest is resolved once per run");
    assertThat(r.out()).doesNotContain("\"Authorization\"").doesNotContain("Bearer ");
  }

  @Test
  void anUnknownPartitionIsNotFoundAndALocalCodeFolderIsBadInput(
      @org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    assertThat(run("--plan", PLAN.toString(), "--partition", "store-999").exit())
        .isEqualTo(PartitrainCli.EXIT_NOT_FOUND);

    java.nio.file.Files.writeString(
        tmp.resolve("job.yml"), "command: python train.py\ncode: src\nenvironment: azureml:e:1\n");
    java.nio.file.Files.writeString(
        tmp.resolve("plan.yml"), "name: p\njob: job.yml\npartitions:\n  inline: [a]\n");
    Result r = run("--plan", tmp.resolve("plan.yml").toString(), "--partition", "a");
    assertThat(r.exit()).isEqualTo(PartitrainCli.EXIT_BAD_INPUT);
    assertThat(r.err()).contains("az ml code create");
  }
}
