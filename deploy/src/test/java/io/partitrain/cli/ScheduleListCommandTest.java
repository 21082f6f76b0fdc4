package io.partitrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.cli.main.PartitrainCli;
import io.partitrain.shared.serde.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScheduleListCommandTest {

  @TempDir Path dir;

  @Test
  void listsTheNextFireTimesAndTheRunIdEachCreatesOfflineAsJson() throws Exception {
    Files.writeString(dir.resolve("job.yml"), "command: echo ${{partition.id}}\n");
    Files.writeString(
        dir.resolve("plan.yml"),
        """
        name: weekly-demand
        job: job.yml
        partitions:
          inline: [store-001]
        schedule:
          cron: "0 6 * * MON"
          timeZone: Europe/Amsterdam
        """);
    StringWriter out = new StringWriter();
    var cl = PartitrainCli.commandLine();
    cl.setOut(new PrintWriter(out));
    int code =
        cl.execute(
            "schedule",
            "list",
            "--plan",
            dir.resolve("plan.yml").toString(),
            "--from",
            "2026-10-19T00:00:00Z",
            "--count",
            "3",
            "-o",
            "json");

    assertThat(code).isZero();
    JsonNode times = Json.mapper().readTree(out.toString());
    assertThat(times).hasSize(3);
    assertThat(times.get(0).get("at").asText()).isEqualTo("2026-10-19T04:00:00Z");
    assertThat(times.get(0).get("runId").asText()).isEqualTo("weekly-demand-2026-W43");
    assertThat(times.get(1).get("at").asText())
        .as("after the fall-back Sunday")
        .isEqualTo("2026-10-26T05:00:00Z");
    assertThat(times.get(1).get("local").asText()).isEqualTo("2026-10-26T06:00+01:00");
    assertThat(times.get(2).get("runId").asText()).isEqualTo("weekly-demand-2026-W45");
  }
}
