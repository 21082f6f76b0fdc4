package io.partitrain.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.shared.serde.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's main command, as a user runs it: {@code java -jar deploy/target/partitrain.jar
 * demo}, a separate process with its own embedded broker. The JSON and the table of the same
 * (deterministic) demo must agree.
 */
@Timeout(600)
class DemoIT {

  private static final Path JAR = Path.of("target/partitrain.jar").toAbsolutePath();

  @TempDir Path dir;

  private String runDemo(String workdir, String... extra) throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toString(),
                "demo",
                "--stores",
                "6",
                "--broken",
                "1",
                "--failure-rate",
                "0.3",
                "--seed",
                "7",
                "--run-id",
                "demo-it",
                "--workdir",
                dir.resolve(workdir).toString()));
    cmd.addAll(List.of(extra));
    Path out = dir.resolve(workdir + ".out");
    Path err = dir.resolve(workdir + ".err");
    Process p =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(
          "demo did not finish in 5 minutes; stderr:\n" + Files.readString(err));
    }
    assertThat(p.exitValue()).as("exit code; stderr:\n" + Files.readString(err)).isZero();
    return Files.readString(out);
  }

  @Test
  void theDemoPrintsItsSummaryAndTheJsonAgreesWithTheTable() throws Exception {
    JsonNode json = Json.mapper().readTree(runDemo("json", "-o", "json"));
    String table = runDemo("table", "--report", dir.resolve("table-report.json").toString());
    JsonNode sameRun = Json.mapper().readTree(dir.resolve("table-report.json").toFile());

    assertThat(json.path("runId").asText()).isEqualTo("demo-it");
    JsonNode parts = json.path("partitions");
    assertThat(parts.path("total").asInt()).isEqualTo(6);
    assertThat(
            parts.path("succeeded").asInt()
                + parts.path("failed").asInt()
                + parts.path("canceled").asInt())
        .isEqualTo(6);
    assertThat(json.path("firstPass").path("failed").asInt())
        .as("the broken store fails first")
        .isGreaterThanOrEqualTo(1);
    assertThat(json.path("rerun").path("requested").asInt())
        .isEqualTo(json.path("firstPass").path("failed").asInt());
    assertThat(json.path("rerun").path("resubmitted").asInt())
        .isEqualTo(json.path("rerun").path("requested").asInt());
    assertThat(json.path("rerun").path("onlyFailedRanAgain").asBoolean()).isTrue();
    java.util.Set<String> asked = new java.util.TreeSet<>();
    java.util.Set<String> ranAgain = new java.util.TreeSet<>();
    json.path("rerun").path("partitions").forEach(p -> asked.add(p.asText()));
    json.path("rerun").path("ranAgain").forEach(p -> ranAgain.add(p.asText()));
    assertThat(ranAgain)
        .as("exactly the failed partitions ran again")
        .isEqualTo(asked)
        .isNotEmpty();
    assertThat(json.path("attempts").asInt())
        .isGreaterThanOrEqualTo(6 + json.path("rerun").path("requested").asInt());
    assertThat(json.path("jobsSubmitted").asInt()).isPositive();
    assertThat(json.path("metricsByRegion").size()).isPositive();
    json.path("firstPass")
        .path("failedPartitions")
        .forEach(
            f ->
                assertThat(Path.of(f.path("logPath").asText()))
                    .exists()
                    .content()
                    .contains("bad sales data"));

    // The table and the JSON of one run say the same; two runs agree on what the seed fixes.
    assertThat(sameRun.path("partitions")).isEqualTo(parts);
    assertThat(sameRun.path("rerun").path("partitions"))
        .isEqualTo(json.path("rerun").path("partitions"));
    assertThat(table).contains("Only failed partitions ran again: yes");
    assertThat(table).containsPattern("SUCCEEDED\\s+" + parts.path("succeeded").asInt() + "\\b");
    assertThat(table)
        .contains(
            "attempts "
                + sameRun.path("attempts").asInt()
                + ", jobs submitted "
                + sameRun.path("jobsSubmitted").asInt()
                + ", partitions retried automatically "
                + sameRun.path("retried").asInt());
    assertThat(table)
        .contains(
            "rerun: "
                + sameRun.path("rerun").path("requested").asInt()
                + " failed partitions requested, "
                + sameRun.path("rerun").path("resubmitted").asInt()
                + " resubmitted");
    sameRun
        .path("metricsByRegion")
        .fields()
        .forEachRemaining(
            e ->
                assertThat(table)
                    .containsPattern(
                        "\\n\\s+"
                            + e.getKey()
                            + "\\s+\\d+\\s+"
                            + String.format(
                                java.util.Locale.ROOT,
                                "%.4f",
                                e.getValue().path("mape").path("mean").asDouble())));
  }
}
