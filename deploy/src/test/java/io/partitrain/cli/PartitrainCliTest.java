package io.partitrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Exit codes and messages that scripts and people rely on. */
class PartitrainCliTest {

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = PartitrainCli.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void aRefusedPlanExitsOneAndListsEveryViolationBeforeAnythingIsSent() throws Exception {
    Files.writeString(
        dir.resolve("plan.yml"), "name: x\njob: missing.yml\npartitions: {inline: ['bad id']}\n");
    int code =
        run(
            "run",
            "start",
            "--plan",
            dir.resolve("plan.yml").toString(),
            "--bootstrap-servers",
            "127.0.0.1:1");
    assertThat(code).isEqualTo(ExitCode.BAD_INPUT.code());
    assertThat(err.toString())
        .contains("plan.yml: job = 'missing.yml'")
        .contains("'bad id'")
        .contains("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$");
  }

  @Test
  void badOptionsExitOneWithTheRule() {
    assertThat(run("demo", "--stores", "0")).isEqualTo(ExitCode.BAD_INPUT.code());
    assertThat(err.toString()).contains("--stores must be from 1 to 100000, but was 0");
    assertThat(run("run", "show")).isEqualTo(ExitCode.BAD_INPUT.code());
    assertThat(run("demo", "--no-such-option")).isEqualTo(ExitCode.BAD_INPUT.code());
  }

  @Test
  void withoutKafkaTheCommandSaysWhereToFindIt() {
    Assumptions.assumeTrue(System.getenv("KAFKA_BOOTSTRAP_SERVERS") == null);
    assertThat(run("run", "show", "r1")).isEqualTo(ExitCode.BAD_INPUT.code());
    assertThat(err.toString()).contains("KAFKA_BOOTSTRAP_SERVERS").contains("partitrain up");
  }

  @Test
  void helpListsTheCommands() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("demo").contains("up").contains("run").contains("job");
  }
}
