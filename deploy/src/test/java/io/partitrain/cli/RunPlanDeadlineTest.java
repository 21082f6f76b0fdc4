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

/**
 * {@code run plan} on a weekly plan with a deadline, offline (no ledger): 12 one-node jobs with a
 * one-hour timeout, fired Mondays 06:00 and due 10:00 in Amsterdam: a 4-hour window, so a node cap
 * of 2 (6 hours at the timeouts) misses it and a cap of 3 meets it.
 */
class RunPlanDeadlineTest {

  @TempDir Path dir;

  private String[] args(String... more) throws Exception {
    Files.writeString(
        dir.resolve("job.yml"),
        "command: echo ${{partition.id}}\ncompute: azureml:cpu\nlimits: {timeout: 3600}\n");
    StringBuilder inline = new StringBuilder();
    for (int i = 0; i < 12; i++) {
      inline.append(i == 0 ? "" : ", ").append(String.format("store-%02d", i));
    }
    Files.writeString(
        dir.resolve("plan.yml"),
        """
        name: weekly-demand
        job: job.yml
        partitions:
          inline: [%s]
        concurrency:
          maxInFlight: 50
        schedule:
          cron: "0 6 * * MON"
          timeZone: Europe/Amsterdam
        deadline: MON 10:00
        """
            .formatted(inline));
    String[] base = {"run", "plan", "--plan", dir.resolve("plan.yml").toString(), "--no-history"};
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  private String run(String... more) throws Exception {
    StringWriter out = new StringWriter();
    var cl = PartitrainCli.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(new StringWriter()));
    assertThat(cl.execute(args(more))).isZero();
    return out.toString();
  }

  @Test
  void saysTheDeadlineIsMissedAtTheCapAndWhichCapWouldMeetIt() throws Exception {
    String out = run("--node-cap", "2");
    assertThat(out)
        .contains("deadline   MON 10:00 (Europe/Amsterdam): a run starting ")
        .contains(
            "cpu        12 partitions (0 with history), longest-expected-first: expected 6h 0m")
        .contains("misses the deadline at node cap 2 by 2h 0m; a node cap of 3 would meet it")
        .contains("no history for this plan: 12 partitions forecast at their timeout")
        .contains("WARNING: the deadline will not be met at the current node cap");
  }

  @Test
  void saysItIsMetAsJsonWithTheCapAndTheEnd() throws Exception {
    JsonNode json = Json.mapper().readTree(run("--node-cap", "4", "-o", "json"));
    JsonNode cpu = json.get("deadline").get("targets").get(0);
    assertThat(json.get("planName").asText()).isEqualTo("weekly-demand");
    assertThat(json.get("deadline").get("deadlineAt").asText()).isEqualTo("MON 10:00");
    assertThat(cpu.get("meets").asBoolean()).isTrue();
    assertThat(cpu.get("nodeCap").asInt()).isEqualTo(4);
    assertThat(cpu.get("expectedSeconds").asDouble()).isEqualTo(3 * 3600);
    assertThat(cpu.get("capToMeet").asInt()).isEqualTo(3);
  }

  @Test
  void aNodeCapBelowOneIsBadInput() throws Exception {
    var cl = PartitrainCli.commandLine();
    cl.setOut(new PrintWriter(new StringWriter()));
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    assertThat(cl.execute(args("--node-cap", "0"))).isEqualTo(ExitCode.BAD_INPUT.code());
    assertThat(err.toString()).contains("--node-cap must be at least 1, but was 0");
  }
}
