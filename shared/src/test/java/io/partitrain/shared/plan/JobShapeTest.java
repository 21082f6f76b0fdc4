package io.partitrain.shared.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23, item 5: a typo in job.yml is refused at every level az ml knows keys at, with "did you
 * mean"; one mistake is one message, with the count of partitions it affects.
 */
class JobShapeTest {

  @TempDir Path dir;

  private Path plan(String job, int partitions) throws IOException {
    Files.writeString(dir.resolve("job.yml"), job);
    StringBuilder csv = new StringBuilder("id,region\n");
    for (int i = 1; i <= partitions; i++) {
      csv.append("s").append(i).append(",north\n");
    }
    Files.writeString(dir.resolve("parts.csv"), csv);
    Path plan = dir.resolve("plan.yml");
    Files.writeString(plan, "name: p\njob: job.yml\npartitions:\n  file: parts.csv\n");
    return plan;
  }

  @Test
  void aMisspelledResourcesKeyIsRefusedNotRunOnOneNode() throws IOException {
    List<PlanViolation> v =
        Refusals.violations(plan("command: echo\nresources: {instance_cout: 2}\n", 2));
    assertThat(v)
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.field()).isEqualTo("resources.instance_cout");
              assertThat(x.value()).isEqualTo("2");
              assertThat(x.rule()).contains("did you mean 'instance_count'?");
            });
  }

  @Test
  void everySectionAndEveryInputAndOutputEntryIsChecked() throws IOException {
    List<PlanViolation> v =
        Refusals.violations(
            plan(
                """
                command: echo ${{inputs.sales}} ${{outputs.model}}
                limits: {timout: 60}
                queue_settings: {job_teir: Spot}
                inputs:
                  sales: {type: uri_file, pth: ./x.csv}
                outputs:
                  model: {type: uri_folder, moed: rw_mount}
                """,
                1));
    assertThat(v)
        .extracting(PlanViolation::field)
        .containsExactlyInAnyOrder(
            "limits.timout", "queue_settings.job_teir", "inputs.sales.pth", "outputs.model.moed");
    assertThat(v).allSatisfy(x -> assertThat(x.rule()).contains("did you mean"));
  }

  @Test
  void theKeysAzMlKnowsAreAccepted() throws IOException {
    PlanLoader.load(
        plan(
            """
            command: echo ${{inputs.epochs}} ${{outputs.model}}
            resources: {instance_count: 2, instance_type: Standard_DS3_v2, shm_size: 8g}
            limits: {timeout: 60}
            queue_settings: {job_tier: Standard}
            inputs:
              epochs: 3
            outputs:
              model: {type: uri_folder, mode: rw_mount}
            """,
            1));
  }

  @Test
  void aMisspelledTagIsOneMessageWithItsCountNotOnePerPartition() throws IOException {
    Path plan = plan("command: echo ${{partition.tags.regoin}}\n", 60);
    List<PlanViolation> v = Refusals.violations(plan);
    assertThat(v)
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.field()).isEqualTo("command");
              assertThat(x.value()).isEqualTo("${{partition.tags.regoin}}");
              assertThat(x.rule())
                  .isEqualTo(
                      "all 60 partitions have no tag 'regoin'; did you mean 'region'? (their"
                          + " tags: [region]; s1, s2, s3, s4, s5, ...)");
            });
    try {
      PlanLoader.load(plan);
    } catch (PlanValidationException e) {
      // The first line is the rule itself, what a CI log shows.
      assertThat(e.getMessage().lines().findFirst().orElseThrow())
          .startsWith("the plan is refused: " + dir.resolve("job.yml") + ": command = ")
          .contains("did you mean 'region'?");
    }
  }

  @Test
  void aTagSomePartitionsLackNamesHowManyAndWhich() throws IOException {
    Files.writeString(dir.resolve("job.yml"), "command: echo ${{partition.tags.unit}}\n");
    Files.writeString(
        dir.resolve("plan.yml"),
        "name: p\njob: job.yml\npartitions:\n  inline: [{id: s1, tags: {unit: a}}, s2,"
            + " {id: s3, tags: {unit: b}}]\n");
    List<PlanViolation> v = Refusals.violations(dir.resolve("plan.yml"));
    assertThat(v)
        .singleElement()
        .extracting(PlanViolation::rule)
        .isEqualTo("1 of 3 partitions have no tag 'unit' (s2)");
  }
}
