package io.partitrain.shared.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 14, item 5: the holes an operator found in the plan checks. */
class PlanChecksTest {

  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    Path f = dir.resolve(name);
    Files.createDirectories(f.getParent());
    Files.writeString(f, text);
    return f;
  }

  private Path plan(String extra) throws IOException {
    write(
        "job.yml",
        """
        command: cat ${{inputs.sales}}
        code: ./src
        inputs:
          sales:
            type: uri_file
            path: ./data/${{partition.id}}.csv
        """);
    Files.createDirectories(dir.resolve("src"));
    return write(
        "plan.yml",
        """
        name: p
        job: job.yml
        partitions:
          inline: [s1, s2]
        """
            + extra);
  }

  private static List<String> refused(Path plan) {
    try {
      PlanLoader.load(plan);
    } catch (PlanValidationException e) {
      return e.violations().stream().map(PlanViolation::toString).toList();
    }
    throw new AssertionError("the plan was accepted");
  }

  @Test
  void aMisspelledKeyIsRefusedWithADidYouMean() throws IOException {
    Path plan = plan("retry:\n  maxAttempts: 2\n  backof: {initial: PT1S}\n");
    assertThat(refused(plan))
        .singleElement()
        .asString()
        .isEqualTo(
            plan
                + ": retry.backof = '{\"initial\":\"PT1S\"}': is not a retry key; did you mean"
                + " 'backoff'? retry keys: [backoff, maxAttempts, retryTimeouts]");
  }

  @Test
  void misspelledKeysInEverySectionAreRefused() throws IOException {
    Path plan =
        plan(
            "retry:\n  backoff: {intial: PT1S}\nconcurrency: {maxInFlite: 2}\nshedule: {cron: x}\n");
    assertThat(refused(plan))
        .anySatisfy(v -> assertThat(v).contains("retry.backoff.intial").contains("'initial'"))
        .anySatisfy(v -> assertThat(v).contains("concurrency.maxInFlite").contains("'maxInFlight'"))
        .anySatisfy(v -> assertThat(v).contains("shedule").contains("'schedule'"));
  }

  @Test
  void badYamlNamesTheFileLineAndColumnAndNeverCallsTheFileMissing() throws IOException {
    Path plan = write("plan.yml", "name: p\njob: job.yml\npartitions:\n  inline: [s1\n  x: 1\n");
    List<String> v = refused(plan);
    assertThat(v).singleElement().asString().startsWith(plan + ":5:").contains("is not valid YAML");
    assertThat(v.get(0)).doesNotContain("(missing)");
  }

  @Test
  void aMissingPlanFileIsSaidToNotExist() {
    assertThat(refused(dir.resolve("nope.yml")))
        .containsExactly(dir.resolve("nope.yml") + ": does not exist");
  }

  @Test
  void missingLocalInputsAreFoundBeforeTheRunStartsNamingThePartition() throws IOException {
    Plan plan = PlanLoader.load(plan(""));
    write("data/s1.csv", "1");
    assertThat(LocalPathCheck.missing(plan))
        .singleElement()
        .asString()
        .isEqualTo(
            dir.resolve("job.yml")
                + ": inputs.sales.path = '"
                + dir.resolve("data/s2.csv")
                + "': must exist (partition s2)");
    write("data/s2.csv", "2");
    LocalPathCheck.requireAll(plan);
  }

  @Test
  void aMissingCodeFolderIsFoundBeforeTheRunStarts() throws IOException {
    Plan plan = PlanLoader.load(plan(""));
    write("data/s1.csv", "1");
    write("data/s2.csv", "2");
    Files.delete(dir.resolve("src"));
    assertThatThrownBy(() -> LocalPathCheck.requireAll(plan))
        .hasMessageContaining("code = '" + dir.resolve("src") + "': must be an existing folder");
  }
}
