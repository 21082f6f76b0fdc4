package io.partitrain.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.cli.client.ConsoleApiClient;
import io.partitrain.cli.client.MissingRun;
import io.partitrain.orchestrator.console.api.read.JobEvidence;
import io.partitrain.orchestrator.console.api.read.RunEvidence;
import io.partitrain.orchestrator.console.view.PartitionView;
import io.partitrain.orchestrator.console.view.RunFromTopics;
import io.partitrain.orchestrator.console.view.RunView;
import io.partitrain.shared.serde.Json;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code partitrain job show} and {@code partitrain run evidence}: what ran, for an auditor, from
 * Kafka or through the console API ({@code --server}); both build the same records.
 */
final class EvidenceCommands {

  private EvidenceCommands() {}

  /** {@code partitrain job show RUN PARTITION [--attempt N]}, like {@code az ml job show}. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description =
          "Show one job's evidence: status history, failure, compute, nodes, billable time, cost,"
              + " log location, metrics, the job as rendered.")
  static final class JobShow implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin KafkaOptions kafka;
    @Mixin ServerOptions server;

    @Parameters(index = "0", description = "the run id")
    String runId;

    @Parameters(index = "1", description = "the partition id")
    String partitionId;

    @Option(names = "--attempt", description = "the attempt (default: the latest)")
    Integer attempt;

    @Mixin OutputOption output;

    @Override
    public Integer call() {
      Optional<ConsoleApiClient> api = server.client();
      JsonNode job;
      try {
        job = api.isPresent() ? fromServer(api.get()) : fromKafka();
      } catch (ConsoleApiClient.ApiException e) {
        return Answers.failed(spec, e);
      }
      if (job == null) {
        spec.commandLine()
            .getErr()
            .println("partitrain: run " + runId + " has no partition " + partitionId);
        return ExitCode.NOT_FOUND.code();
      }
      PrintWriter out = spec.commandLine().getOut();
      if (output.json()) {
        out.println(Json.toPrettyString(job));
      } else {
        printTable(job, out);
      }
      out.flush();
      return ExitCode.OK.code();
    }

    private JsonNode fromServer(ConsoleApiClient api) {
      return api.get(
          "/runs/"
              + ConsoleApiClient.segment(runId)
              + "/jobs/"
              + ConsoleApiClient.segment(partitionId)
              + (attempt == null ? "" : "?attempt=" + attempt));
    }

    private JsonNode fromKafka() {
      Optional<RunView> run = RunFromTopics.read(kafka.settings(), runId);
      if (run.isEmpty()) {
        throw new NotFoundException(MissingRun.message(kafka.settings(), runId));
      }
      Optional<PartitionView> p =
          run.flatMap(
              r ->
                  r.partitions().stream()
                      .filter(x -> x.partitionId().equals(partitionId))
                      .findFirst());
      if (p.isEmpty()) {
        return null;
      }
      int n = attempt == null ? p.get().attempt() : attempt;
      if (n < 1 || n > p.get().attempt()) {
        throw new IllegalArgumentException(
            "--attempt must be from 1 to " + p.get().attempt() + ", but was " + n);
      }
      if (run.get().fromFinalSnapshot() && n != p.get().attempt()) {
        throw new NotFoundException(JobEvidence.pastRetention(run.get(), p.get()));
      }
      return Json.mapper().valueToTree(JobEvidence.of(run.get(), p.get(), n));
    }

    private static void printTable(JsonNode j, PrintWriter out) {
      row(out, "Run", j.path("runId").asText());
      row(out, "Partition", j.path("partitionId").asText());
      row(out, "Attempt", j.path("attempt").asText() + " of " + j.path("attempts").asText());
      row(out, "Job name", j.path("jobName").asText(""));
      row(out, "State", j.path("state").asText(""));
      // A failure row holds failures only (issue 23: "Failure  Completed" for a succeeded job).
      if (j.hasNonNull("failureClass")) {
        row(
            out,
            "Failure",
            (j.path("failureClass").asText() + " " + j.path("reason").asText("")).trim());
      } else {
        row(out, "Status", j.path("reason").asText(""));
      }
      row(
          out,
          "Compute",
          j.path("computeTarget").asText(j.path("renderedJob").path("compute").asText("")));
      row(out, "Instance type", j.path("instanceType").asText(""));
      row(out, "Nodes", j.path("nodes").asText(""));
      row(
          out,
          "Billable",
          j.has("billableSeconds") ? j.get("billableSeconds").asText() + " s" : "");
      row(
          out,
          "Cost",
          j.has("cost")
              ? j.get("cost").asText()
                  + " "
                  + j.path("currency").asText("")
                  + " at "
                  + j.path("pricePerNodeHour").asText()
                  + "/node-hour"
              : "");
      row(out, "Log", j.path("logLocation").asText(""));
      row(out, "Studio", j.path("studioUrl").asText(""));
      row(out, "Command", j.path("renderedJob").path("command").asText(""));
      row(out, "Code", j.path("renderedJob").path("code").asText(""));
      row(
          out,
          "Environment",
          j.path("renderedJob").path("environment").toString().replace("\"", ""));
      if (j.has("metrics")) {
        row(out, "Metrics", j.get("metrics").toString());
      }
      JsonNode sub = j.path("submission");
      if (!sub.isMissingNode()) {
        // As the worker submitted it: the resolved form of the rendered job above.
        row(out, "Worker", j.path("workerId").asText(""));
        row(
            out,
            "Adopted by",
            sub.has("adoptedBy")
                ? sub.get("adoptedBy").asText()
                    + " (its creator never reported it; read back from the backend)"
                : "");
        row(out, "Backend id", sub.path("backendId").asText(""));
        row(out, "Code location", sub.path("codeLocation").asText(""));
        if (sub.hasNonNull("codeHash")) {
          row(out, "Code SHA-256", sub.get("codeHash").asText());
        } else if (sub.hasNonNull("codeLocation")) {
          // A registered asset is not read by the worker; a job without code: has no row at all.
          row(out, "Code SHA-256", "(not read: a registered asset)");
        }
        sub.path("inputs")
            .fields()
            .forEachRemaining(e -> row(out, "Input " + e.getKey(), e.getValue().asText()));
        sub.path("outputs")
            .fields()
            .forEachRemaining(e -> row(out, "Output " + e.getKey(), e.getValue().asText()));
        if (sub.has("requestBody")) {
          row(out, "Request", "in -o json (submission.requestBody)");
        }
      }
      out.println();
      out.printf("%-26s  %-18s  %-18s  %-9s  %s%n", "AT", "FROM", "TO", "FAILURE", "REASON");
      for (JsonNode t : j.path("statusHistory")) {
        out.printf(
            "%-26s  %-18s  %-18s  %-9s  %s%n",
            t.path("at").asText(),
            t.path("from").asText("-"),
            t.path("to").asText(),
            t.path("failureClass").asText(""),
            t.path("reason").asText(""));
      }
    }

    private static void row(PrintWriter out, String name, String value) {
      if (value != null && !value.isBlank() && !value.equals("null")) {
        out.printf("%-14s %s%n", name, value);
      }
    }
  }

  /** {@code partitrain run evidence RUN > evidence.json}: the audit bundle. */
  @Command(
      name = "evidence",
      mixinStandardHelpOptions = true,
      description =
          "Print a run's audit bundle as JSON (schema: docs/run-evidence.schema.json): job template"
              + " and hash, every attempt's evidence, decisions with who and why, cap events, ledger.")
  static final class RunEvidenceCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin KafkaOptions kafka;
    @Mixin ServerOptions server;

    @Parameters(index = "0", description = "the run id")
    String runId;

    @Override
    public Integer call() {
      Optional<ConsoleApiClient> api = server.client();
      JsonNode bundle;
      try {
        if (api.isPresent()) {
          bundle = api.get().get("/runs/" + ConsoleApiClient.segment(runId) + "/evidence");
        } else {
          Optional<RunView> run = RunFromTopics.read(kafka.settings(), runId);
          if (run.isEmpty()) {
            spec.commandLine()
                .getErr()
                .println("partitrain: " + MissingRun.message(kafka.settings(), runId));
            return ExitCode.NOT_FOUND.code();
          }
          bundle = Json.mapper().valueToTree(RunEvidence.of(run.get(), Instant.now()));
        }
      } catch (ConsoleApiClient.ApiException e) {
        return Answers.failed(spec, e);
      }
      spec.commandLine().getOut().println(Json.toPrettyString(bundle));
      spec.commandLine().getOut().flush();
      return ExitCode.OK.code();
    }
  }
}
