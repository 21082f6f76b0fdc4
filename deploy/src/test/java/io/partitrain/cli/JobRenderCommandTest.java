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
    JsonNode requests = json.get("requests");
    JsonNode put = requests.get(requests.size() - 1);
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
    // the local code folder and the store's local sales file: hashed, uploads shown first
    String codeHash =
        io.partitrain.assets.CodeSnapshot.of("code", PLAN.resolveSibling("src")).hash();
    String salesHash =
        io.partitrain.assets.CodeSnapshot.of("sales", PLAN.resolveSibling("data/store-003.csv"))
            .hash();
    assertThat(requests.get(2).get("method").asText()).isEqualTo("UPLOAD");
    assertThat(requests.get(2).at("/body/hash_sha256").asText()).isEqualTo(codeHash);
    assertThat(requests.get(2).at("/body/paths").toString())
        .contains("train.py")
        .doesNotContain("__pycache__");
    assertThat(p.get("codeId").asText())
        .endsWith(
            "/codes/"
                + codeHash.substring(0, 8)
                + "-"
                + codeHash.substring(8, 12)
                + "-"
                + codeHash.substring(12, 16)
                + "-"
                + codeHash.substring(16, 20)
                + "-"
                + codeHash.substring(20, 32)
                + "/versions/1");
    assertThat(p.at("/inputs/sales/uri").asText())
        .isEqualTo(
            "azureml://datastores/{defaultDatastore}/paths/LocalUpload/"
                + salesHash
                + "/store-003.csv");
    assertThat(p.at("/inputs/sales/mode").asText()).isEqualTo("Download");
    assertThat(p.at("/limits/timeout").asText()).isEqualTo("PT1H");
    assertThat(p.at("/tags/partitrain.attempt").asText()).isEqualTo("2");
    assertThat(p.get("environmentId").asText())
        .endsWith("/environments/weekly-demand-env/versions/{latest}");
    assertThat(json.get("notes").toString()).contains("@latest is resolved once per run");
    assertThat(r.out()).doesNotContain("\"Authorization\"").doesNotContain("Bearer ");
  }

  @Test
  void anUnknownPartitionIsNotFoundAndAMissingLocalCodeFolderIsBadInput(
      @org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    assertThat(run("--plan", PLAN.toString(), "--partition", "store-999").exit())
        .isEqualTo(ExitCode.NOT_FOUND.code());

    java.nio.file.Files.writeString(
        tmp.resolve("job.yml"), "command: python train.py\ncode: src\nenvironment: azureml:e:1\n");
    java.nio.file.Files.writeString(
        tmp.resolve("plan.yml"), "name: p\njob: job.yml\npartitions:\n  inline: [a]\n");
    Result r = run("--plan", tmp.resolve("plan.yml").toString(), "--partition", "a");
    assertThat(r.exit()).isEqualTo(ExitCode.BAD_INPUT.code());
    assertThat(r.err()).contains("code").contains("does not exist on this worker");
  }

  /**
   * Issue 23, item 4: a plan for the local backend (compute local, no environment) rendered Azure
   * ML's refusals; it renders what the local backend will run.
   */
  @Test
  void aPlanForTheLocalBackendRendersTheLocalJob(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    java.nio.file.Files.writeString(dir.resolve("sales.csv"), "day,units\n");
    java.nio.file.Files.writeString(
        dir.resolve("job.yml"),
        """
        command: wc -l ${{inputs.sales}} > ${{outputs.report}}/lines --store ${{partition.id}}
        inputs:
          sales: {type: uri_file, path: ./sales.csv}
        outputs:
          report: {type: uri_folder}
        environment_variables:
          TOKEN: ${{secrets.API_TOKEN}}
        limits:
          timeout: 600
        """);
    java.nio.file.Files.writeString(
        dir.resolve("plan.yml"), "name: lp\njob: job.yml\npartitions: {inline: [s1]}\n");
    Path jobs = dir.resolve("jobs");
    Result r =
        run(
            "--plan",
            dir.resolve("plan.yml").toString(),
            "--partition",
            "s1",
            "--run-id",
            "lp-1",
            "--jobs-dir",
            jobs.toString(),
            "-o",
            "json");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode json = Json.mapper().readTree(r.out());
    String name = JobNames.of("lp-1", "s1", 1);
    assertThat(json.get("backend").asText()).isEqualTo("local");
    assertThat(json.get("jobFolder").asText())
        .isEqualTo(jobs.toAbsolutePath().resolve(name).toString());
    assertThat(json.get("command").asText())
        .isEqualTo(
            "wc -l '"
                + dir.resolve("sales.csv")
                + "' > '"
                + jobs.toAbsolutePath().resolve(name).resolve("outputs/report")
                + "'/lines --store s1");
    assertThat(json.at("/environmentVariables/TOKEN").asText())
        .as("a secret stays a reference")
        .isEqualTo("${{secrets.API_TOKEN}}");
    assertThat(json.get("timeoutSeconds").asLong()).isEqualTo(600);

    // Asked for Azure ML's request, the same plan gets Azure ML's rules.
    Result azure =
        run(
            "--plan",
            dir.resolve("plan.yml").toString(),
            "--partition",
            "s1",
            "--backend",
            "azureml");
    assertThat(azure.exit()).isEqualTo(ExitCode.BAD_INPUT.code());
    assertThat(azure.err()).contains("environment");
  }
}
