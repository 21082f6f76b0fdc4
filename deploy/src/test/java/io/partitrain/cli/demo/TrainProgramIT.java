package io.partitrain.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs the example's real job command (from job.yml) as a process, the way the local backend does:
 * the working directory is a copy of {@code src/}, the placeholders are filled in, and {@code java}
 * is the JDK running this test.
 */
class TrainProgramIT {

  private static final long SEED = 42L;
  private static final String BROKEN = "store-005";

  /** One store per business unit (see stores.csv): grocery, convenience, pharmacy. */
  private static final List<String> CLEAN = List.of("store-001", "store-006", "store-007");

  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;
  private static Path data;
  private static Path jobDir;
  private static String command;

  @BeforeAll
  static void generateDataAndCopyTheJobsCode() throws IOException {
    data = tmp.resolve("data");
    List<String> stores = new ArrayList<>(CLEAN);
    stores.add(BROKEN);
    WeeklyDemandData.writeAll(data, stores, SEED, Set.of(BROKEN));

    Path example = WeeklyDemandExampleTest.EXAMPLE;
    JsonNode job =
        new ObjectMapper(new YAMLFactory()).readTree(example.resolve("job.yml").toFile());
    command = job.path("command").asText().strip();
    jobDir = tmp.resolve("job");
    Files.createDirectories(jobDir);
    try (Stream<Path> files = Files.list(example.resolve(job.path("code").asText()))) {
      for (Path file : files.toList()) {
        Files.copy(file, jobDir.resolve(file.getFileName()));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"store-001", "store-006", "store-007"})
  void trainsACleanStoreAndWritesMetricsAndModel(String store) throws Exception {
    Run run = train(store, WeeklyDemandData.fileOf(data, store));

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stderr()).isEmpty();
    assertThat(run.stdout().lines())
        .hasSizeGreaterThanOrEqualTo(3)
        .allMatch(line -> line.startsWith("[store=" + store + "] "));

    String metrics = Files.readString(run.model().resolve("metrics.json"));
    assertThat(metrics)
        .matches(
            "\\{\"mape\": 0(\\.\\d{1,4})?, \"rmse\": \\d+(\\.\\d{1,2})?, "
                + "\"trainRows\": 639, \"holdoutRows\": 91}\n");
    double mape = JSON.readTree(metrics).path("mape").asDouble();
    System.out.printf(
        "%s: mape %.4f, %d ms including compilation%n", store, mape, run.elapsed().toMillis());
    assertThat(mape).isBetween(0.01, 0.15);

    JsonNode model = JSON.readTree(run.model().resolve("model.json").toFile());
    assertThat(model.path("store").asText()).isEqualTo(store);
    assertThat(model.path("seasonLength").asInt()).isEqualTo(7);
    assertThat(model.path("yearlyProfile").path("lagDays").asInt()).isEqualTo(364);
    assertThat(model.path("fittedOn").path("rows").asInt()).isEqualTo(639);
    assertThat(model.path("fittedOn").path("to").asText()).isEqualTo("2026-08-23");
    assertThat(model.path("holdout").path("mape").asDouble()).isEqualTo(mape);
    assertThat(model.path("state").path("asOf").asText()).isEqualTo("2026-11-22");
    assertThat(model.path("state").path("season").size()).isEqualTo(7);
    assertThat(model.path("forecast").size()).isEqualTo(7);
    assertThat(model.path("holdout").path("seasonalNaiveMape").asDouble())
        .as("the model beats repeating the last week")
        .isGreaterThan(mape);
  }

  @Test
  void rejectsABrokenFileWithExitCode2AndOneLineNamingFileRowValueAndRule() throws Exception {
    Path sales = WeeklyDemandData.fileOf(data, BROKEN);

    Run run = train(BROKEN, sales);

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.stderr().lines())
        .singleElement()
        .asString()
        .startsWith("Train: bad sales data in " + sales + ": row ")
        .contains("(line ", "; rule: ");
    assertThat(run.model().resolve("metrics.json")).doesNotExist();
  }

  @Test
  void fallsBackToADampedTrendWithUnderAYearOfHistory() throws Exception {
    Path sales = lastRows("store-001", 300, "short-history.csv");

    Run run = train("store-001", sales);

    assertThat(run.exitCode()).as(run.toString()).isZero();
    JsonNode model = JSON.readTree(run.model().resolve("model.json").toFile());
    assertThat(model.path("trend").asText()).isEqualTo("damped-additive");
    assertThat(model.path("yearlyProfile").isNull()).isTrue();
    assertThat(Files.readString(run.model().resolve("metrics.json")))
        .contains("\"trainRows\": 209, \"holdoutRows\": 91}");
  }

  @Test
  void rejectsTooFewRowsForTrainingAndHoldout() throws Exception {
    Path sales = lastRows("store-001", 200, "too-short.csv");

    Run run = train("store-001", sales);

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.stderr().strip())
        .isEqualTo(
            "Train: bad sales data in "
                + sales
                + ": 200 data rows; rule: at least 238"
                + " (91 holdout + 91 validation + 56 to fit)");
  }

  private static Path lastRows(String store, int rows, String name) throws IOException {
    List<String> lines = Files.readAllLines(WeeklyDemandData.fileOf(data, store));
    List<String> kept = new ArrayList<>(lines.subList(0, 1));
    kept.addAll(lines.subList(lines.size() - rows, lines.size()));
    return Files.write(tmp.resolve(name), kept);
  }

  /** The job.yml command with its placeholders filled in, run in a copy of the job's code. */
  private static Run train(String store, Path sales) throws IOException, InterruptedException {
    Path model = Files.createTempDirectory(tmp, "model-").resolve("model");
    String filled =
        command
            .replace("${{inputs.sales}}", sales.toAbsolutePath().toString())
            .replace("${{outputs.model}}", model.toAbsolutePath().toString())
            .replace("${{partition.id}}", store);
    List<String> argv = new ArrayList<>(List.of(filled.split("\\s+")));
    assertThat(argv.get(0)).isEqualTo("java");
    argv.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Path stdout = model.resolveSibling("stdout.txt");
    Path stderr = model.resolveSibling("stderr.txt");

    long started = System.nanoTime();
    Process process =
        new ProcessBuilder(argv)
            .directory(jobDir.toFile())
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();
    if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      fail("Train.java did not finish within " + TIMEOUT + ": " + argv);
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
    return new Run(
        process.exitValue(), Files.readString(stdout), Files.readString(stderr), model, elapsed);
  }

  private record Run(int exitCode, String stdout, String stderr, Path model, Duration elapsed) {}
}
