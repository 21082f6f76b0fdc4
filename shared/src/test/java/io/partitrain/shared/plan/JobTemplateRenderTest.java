package io.partitrain.shared.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.shared.contracts.PartitionSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rendering copies only the parts of a template that hold placeholders and shares the rest between
 * the jobs it renders (issue 12: a start rendered every partition several times over a copy of the
 * whole tree). The oracle is independent of the renderer: the same job.yml with the partition's
 * values written into its text, loaded and rendered as a template without partition placeholders.
 */
class JobTemplateRenderTest {

  /** Placeholders everywhere a job.yml may hold them: text, maps, arrays, pass-through keys. */
  private static final String JOB =
      """
      command: >-
        python train.py --store ${{partition.id}} --region ${{ partition.tags.region }}
        --run ${{run.id}} --sales ${{inputs.sales}} --model ${{outputs.model}}
      code: ./src
      environment:
        image: mcr.microsoft.com/azureml/base:latest
        conda_file: ./env-${{partition.tags.region}}.yml
      compute: azureml:cluster-${{partition.tags.tier}}
      inputs:
        sales:
          type: uri_file
          path: ./data/${{partition.tags.region}}/${{partition.id}}.csv
          mode: download
        horizon_weeks: 12
        calendar:
          default: cal-${{partition.tags.region}}
        fixed:
          type: uri_folder
          path: ./shared
      outputs:
        model:
          type: uri_folder
          mode: rw_mount
        report:
          type: uri_file
          path: azureml://datastores/out/paths/${{partition.id}}/report.json
      environment_variables:
        PARTITION_ID: ${{partition.id}}
        FIXED: same-for-all
        API_KEY: ${{secrets.api_key}}
      resources:
        instance_count: 2
        instance_type: Standard_DS3_v2
      limits:
        timeout: 3600
      distribution:
        type: pytorch
        process_count_per_instance: 2
      properties:
        owner: team-${{partition.tags.tier}}
        list: [a, "${{partition.id}}", 3, {deep: "${{partition.tags.region}}"}]
        constant: {x: [1, 2, {y: z}]}
      experiment_name: exp-${{partition.tags.tier}}
      display_name: job-${{partition.id}}
      description: the same for every store
      tags:
        store: ${{partition.id}}
        model: demand
      """;

  @TempDir Path dir;

  @Test
  void everyPartitionRendersAsItsValuesWrittenIntoTheFileWould() throws Exception {
    JobTemplate template = template(JOB);
    JsonNode before = template.tree().deepCopy();
    SplittableRandom random = new SplittableRandom(12);

    List<PartitionSpec> partitions = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      partitions.add(
          new PartitionSpec(
              "p-" + random.nextInt(1_000_000),
              Map.of(
                  "region",
                  "r" + random.nextInt(5),
                  "tier",
                  random.nextBoolean() ? "gold" : "silver")));
    }
    List<JobSpec> first = new ArrayList<>();
    for (PartitionSpec p : partitions) {
      JobSpec job = template.render("run-7", p);
      first.add(job);
      assertThat(job).as(p.id()).isEqualTo(expected("run-7", p));
    }

    // Rendering never changes the template, and nothing leaks from one partition to the next.
    assertThat(template.tree()).isEqualTo(before);
    for (int i = 0; i < partitions.size(); i++) {
      assertThat(template.render("run-7", partitions.get(i))).isEqualTo(first.get(i));
    }
  }

  @Test
  void aTemplateIsItsOwnCopyOfTheTreeItWasMadeFrom() throws Exception {
    JsonNode source = template(JOB).tree().deepCopy();
    JobTemplate template = JobTemplate.fromTree(source, "(command)");
    JobSpec before =
        template.render("r", new PartitionSpec("p1", Map.of("region", "a", "tier", "b")));

    ((com.fasterxml.jackson.databind.node.ObjectNode) source).put("display_name", "changed");

    assertThat(template.render("r", new PartitionSpec("p1", Map.of("region", "a", "tier", "b"))))
        .isEqualTo(before);
  }

  private JobTemplate template(String yaml) throws Exception {
    Path file = dir.resolve("job-" + System.nanoTime() + ".yml");
    Files.writeString(file, yaml);
    return JobTemplate.load(file);
  }

  /** The oracle: the partition's values written into the file's text, then loaded and rendered. */
  private JobSpec expected(String runId, PartitionSpec p) throws Exception {
    String text =
        JOB.replace("${{partition.id}}", p.id())
            .replace("${{ partition.tags.region }}", p.tags().get("region"))
            .replace("${{partition.tags.region}}", p.tags().get("region"))
            .replace("${{partition.tags.tier}}", p.tags().get("tier"))
            .replace("${{run.id}}", runId);
    return template(text).render("another-run", new PartitionSpec("unused", Map.of()));
  }
}
