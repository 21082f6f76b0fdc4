package io.partitrain.cli.main;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The command line for one verb builds that verb only (issue 29: building every verb's model cost a
 * fifth of a read), and answers as the whole tree does.
 */
class CommandLineVerbsTest {

  @Test
  void aVerbsCommandLineHoldsThatVerbWithAllItsSubcommands() {
    CommandLine cl = PartitrainCli.commandLine("run", "show", "r-1");

    assertThat(cl.getSubcommands()).containsOnlyKeys("run");
    assertThat(cl.getSubcommands().get("run").getSubcommands())
        .containsKeys("start", "show", "list", "evidence");
  }

  @Test
  void helpAnOptionOrAnUnknownWordGetsEveryVerb() {
    String[] all = {"demo", "bench", "up", "run", "schedule", "job", "cap", "finops", "help"};
    assertThat(PartitrainCli.commandLine().getSubcommands()).containsOnlyKeys(all);
    assertThat(PartitrainCli.commandLine("--help").getSubcommands()).containsOnlyKeys(all);
    assertThat(PartitrainCli.commandLine("help", "run").getSubcommands()).containsOnlyKeys(all);
    assertThat(PartitrainCli.commandLine("runs").getSubcommands()).containsOnlyKeys(all);
    assertThat(PartitrainCli.commandLine("--version").getSubcommands()).isEmpty();
  }

  @Test
  void theVersionWithoutPicocliIsWhatPicocliPrints() {
    StringWriter fast = new StringWriter();
    int code = PartitrainCli.printVersion(new PrintWriter(fast));

    Answer picocli = run(PartitrainCli.commandLine(), "--version");
    assertThat(code).isEqualTo(picocli.code()).isZero();
    assertThat(fast.toString()).isEqualTo(picocli.out()).startsWith("partitrain ");
    assertThat(PartitrainCli.isVersionOnly(new String[] {"-V"})).isTrue();
    assertThat(PartitrainCli.isVersionOnly(new String[] {"--version", "run"})).isFalse();
  }

  @Test
  void oneVerbsCommandLineAnswersAsTheWholeTreeDoes() {
    for (String[] args :
        new String[][] {
          {"run", "show", "r-1", "--bootstrap-servers", "127.0.0.1:1"},
          {"run", "show", "--no-such-option"},
          {"finops", "reconcile", "--help"},
          {"job", "show", "--help"}
        }) {
      Answer whole = run(PartitrainCli.commandLine(), args);
      Answer one = run(PartitrainCli.commandLine(args), args);

      assertThat(one).as(String.join(" ", args)).isEqualTo(whole);
    }
  }

  private record Answer(int code, String out, String err) {}

  private static Answer run(CommandLine cl, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    // The wait before "no answer in 0.0 s" differs between two runs; the rest must not.
    return new Answer(code, out.toString(), err.toString().replaceAll("in [0-9.]+ s", "in N s"));
  }
}
