package io.partitrain.cli.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The small plan of {@code bench cli}: two partitions of a one-line command job on a priced compute
 * target under a cost cap, so that every read ({@code finops report} too) has something to show.
 */
final class CliBenchPlan {

  static final List<String> PARTITIONS = List.of("p-1", "p-2");

  private static final String PLAN =
      """
      name: bench-cli
      job: job.yml
      partitions:
        inline: [p-1, p-2]
      concurrency:
        maxInFlight: 2
      budget:
        cap: 10.00
        currency: EUR
        prices: {cpu-cluster: 0.10}
      """;

  private static final String JOB =
      """
      $schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json
      type: command
      command: echo ${{partition.id}}
      environment: azureml:partitrain-jdk17@latest
      compute: azureml:cpu-cluster
      resources:
        instance_count: 1
      limits:
        timeout: 60
      """;

  private CliBenchPlan() {}

  /** Writes plan.yml and job.yml into {@code dir}; returns the plan file. */
  static Path write(Path dir) {
    try {
      Files.writeString(dir.resolve("job.yml"), JOB, StandardCharsets.UTF_8);
      return Files.writeString(dir.resolve("plan.yml"), PLAN, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The id of the history's {@code i}-th run (0: the oldest). */
  static String historyId(int i) {
    return "hist-" + i;
  }

  static List<String> historyIds(int n) {
    return IntStream.range(0, n).mapToObj(CliBenchPlan::historyId).toList();
  }
}
