package io.partitrain.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Keeps the example's files consistent with each other and with the data generator. */
class WeeklyDemandExampleTest {

  static final Path EXAMPLE =
      Path.of(System.getProperty("basedir", ".")).resolve("examples/weekly-demand");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void storesCsvHasFortyStoresInFourRegionsTaggedWithTheGeneratorsBusinessUnit()
      throws IOException {
    List<String> lines = Files.readAllLines(EXAMPLE.resolve("stores.csv"));
    assertThat(lines.get(0)).isEqualTo("store_id,region,business_unit");
    List<String[]> rows = lines.stream().skip(1).map(line -> line.split(",", -1)).toList();

    assertThat(rows).hasSize(40);
    assertThat(rows)
        .extracting(row -> row[0])
        .doesNotHaveDuplicates()
        .allMatch(id -> WeeklyDemandData.STORE_ID.matcher(id).matches())
        .startsWith("store-001")
        .endsWith("store-040");
    Map<String, Long> perRegion =
        rows.stream()
            .collect(Collectors.groupingBy(row -> row[1], TreeMap::new, Collectors.counting()));
    assertThat(perRegion).containsOnlyKeys("east", "north", "south", "west");
    for (String[] row : rows) {
      assertThat(row[2]).as(row[0]).isEqualTo(WeeklyDemandData.businessUnitOf(row[0]));
    }
    assertThat(rows.stream().map(row -> row[2]).distinct()).hasSizeBetween(2, 3);
  }

  @Test
  void planPointsAtTheJobAndThePartitionsFile() throws IOException {
    JsonNode plan = YAML.readTree(EXAMPLE.resolve("plan.yml").toFile());

    assertThat(plan.path("name").asText()).isEqualTo("weekly-demand");
    assertThat(EXAMPLE.resolve(plan.path("job").asText())).isRegularFile();
    assertThat(EXAMPLE.resolve(plan.path("partitions").path("file").asText())).isRegularFile();
    assertThat(plan.path("retry").path("maxAttempts").asInt()).isEqualTo(3);
    assertThat(plan.path("concurrency").path("maxInFlight").asInt()).isEqualTo(4);
  }

  @Test
  void jobRunsTrainJavaOnTheStoresSalesFileAndTagsWithStoresCsvColumns() throws IOException {
    String text = Files.readString(EXAMPLE.resolve("job.yml"));
    JsonNode job = YAML.readTree(text);

    assertThat(job.path("type").asText()).isEqualTo("command");
    assertThat(EXAMPLE.resolve(job.path("code").asText()).resolve("Train.java")).isRegularFile();
    assertThat(job.path("command").asText())
        .startsWith("java ")
        .contains("Train.java", "${{inputs.sales}}", "${{outputs.model}}", "${{partition.id}}");
    assertThat(job.path("inputs").path("sales").path("path").asText())
        .isEqualTo("./data/${{partition.id}}.csv");
    assertThat(job.path("outputs").path("model").path("type").asText()).isEqualTo("uri_folder");
    assertThat(job.path("limits").path("timeout").asInt()).isPositive();
    assertThat(job.path("resources").path("instance_count").asInt()).isEqualTo(1);

    List<String> columns =
        Arrays.asList(Files.readAllLines(EXAMPLE.resolve("stores.csv")).get(0).split(","));
    Matcher tag = Pattern.compile("\\$\\{\\{partition\\.tags\\.([A-Za-z0-9_]+)}}").matcher(text);
    int tags = 0;
    while (tag.find()) {
      assertThat(columns).as("stores.csv columns").contains(tag.group(1));
      tags++;
    }
    assertThat(tags).isEqualTo(2);
  }

  @Test
  void generatedDataIsIgnoredByGit() throws IOException {
    assertThat(Files.readAllLines(EXAMPLE.resolve(".gitignore"))).contains("data/");
  }
}
