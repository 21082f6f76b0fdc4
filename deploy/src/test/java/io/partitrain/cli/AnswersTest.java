package io.partitrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.serde.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Issue 14: the answers of run start, rerun and cancel in JSON carry a type, like every object. */
class AnswersTest {

  @Command(name = "probe")
  static final class Probe {}

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int print(RunEvent answer, OutputFormat format) {
    CommandLine cl = new CommandLine(new Probe());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return Answers.print(cl.getCommandSpec(), answer, format);
  }

  @Test
  void everyAnswerInJsonNamesItsType() throws Exception {
    Instant at = Instant.parse("2026-11-28T06:00:00Z");
    List<RunEvent> answers =
        List.of(
            new RunEvent.RerunAccepted(
                Schema.VERSION, "r1", "c1", "ana", "data fixed", List.of("p1"), at),
            new RunEvent.CancelAccepted(Schema.VERSION, "r1", "c2", "ana", "wrong data", at),
            new RunEvent.CommandRejected(Schema.VERSION, "r1", "c3", "no run r1", at));
    for (RunEvent answer : answers) {
      out.getBuffer().setLength(0);
      print(answer, OutputFormat.json);
      JsonNode json = Json.mapper().readTree(out.toString());
      assertThat(json.path("type").asText())
          .as(out.toString())
          .isEqualTo(answer.getClass().getSimpleName());
      assertThat(json.path("runId").asText()).isEqualTo("r1");
    }
  }
}
