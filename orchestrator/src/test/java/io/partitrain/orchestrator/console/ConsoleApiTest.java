package io.partitrain.orchestrator.console;

import static io.partitrain.orchestrator.console.ConsoleEvents.capChanged;
import static io.partitrain.orchestrator.console.ConsoleEvents.ledger;
import static io.partitrain.orchestrator.console.ConsoleEvents.moved;
import static io.partitrain.orchestrator.console.ConsoleEvents.runStarted;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.orchestrator.console.api.ConsoleApi;
import io.partitrain.orchestrator.console.api.read.JobLogs;
import io.partitrain.orchestrator.console.auth.LocalTokenAuthenticator;
import io.partitrain.orchestrator.console.view.RunDetails;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.JobNames;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.serde.Json;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API's answers over HTTP, on a run of 10,000 partitions folded from its events. */
class ConsoleApiTest {

  private static final String RUN = "big-run";
  private static final int N = 10_000;
  private static final LocalTokenAuthenticator TOKEN = LocalTokenAuthenticator.generate();
  private static final HttpClient http = HttpClient.newHttpClient();
  private static FakeLeader leader;
  private static ConsoleServer server;
  @TempDir static Path jobs;

  @BeforeAll
  static void start() throws Exception {
    leader = new FakeLeader();
    List<RunEvent> events = new ArrayList<>();
    events.add(runStarted(RUN, N, new BigDecimal("1.00")));
    for (int i = 1; i <= N; i++) {
      String id = String.format("store-%05d", i);
      events.add(moved(RUN, id, null, PartitionState.SCHEDULED, 1));
      events.add(moved(RUN, id, PartitionState.SCHEDULED, PartitionState.ADMITTED, 1));
      boolean fails = i % 100 == 0;
      events.add(
          moved(
              RUN,
              id,
              PartitionState.ADMITTED,
              fails ? PartitionState.FAILED : PartitionState.SUCCEEDED,
              1,
              fails ? FailureClass.USER : null,
              fails ? jobs.resolve(id + ".log").toString() : null));
    }
    leader.apply(events.toArray(RunEvent[]::new));
    leader.apply(
        ledger(RUN, "store-00001", "0.25"),
        ledger(RUN, "store-00002", "0.50"),
        capChanged(RUN, "fiona", "promo, \"Q4\""));
    Files.writeString(jobs.resolve("store-00100.log"), "line 1\nline 2\nTraceback: bad data\n");
    ConsoleApi api =
        new ConsoleApi(
            leader, leader, new JobLogs(Optional.of(jobs)), RunDetails.NONE, Clock.systemUTC());
    server =
        ConsoleServer.start(
            ConsoleConfig.ephemeral(), api, TOKEN, () -> "", () -> true, () -> Map.of());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void pagesThroughTenThousandPartitionsWithCursorsSeeingEachOnce() throws Exception {
    Set<String> seen = new HashSet<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonNode page =
          json(
              "/api/v1/runs/"
                  + RUN
                  + "/partitions?limit=1000"
                  + (cursor == null ? "" : "&cursor=" + cursor));
      page.get("items").forEach(p -> assertThat(seen.add(p.get("partitionId").asText())).isTrue());
      cursor = page.get("nextCursor") == null ? null : page.get("nextCursor").asText();
      pages++;
    } while (cursor != null);

    assertThat(seen).hasSize(N);
    assertThat(pages).isEqualTo(10);
  }

  @Test
  void filtersByStateFailureClassTagAndSearch() throws Exception {
    JsonNode failed =
        json("/api/v1/runs/" + RUN + "/partitions?state=FAILED&failureClass=USER&limit=1000");
    assertThat(failed.get("items")).hasSize(N / 100);
    assertThat(failed.get("items").findValuesAsText("state")).containsOnly("FAILED");

    JsonNode search = json("/api/v1/runs/" + RUN + "/partitions?q=store-0999");
    assertThat(search.get("items").findValuesAsText("partitionId"))
        .containsExactly(
            "store-09990",
            "store-09991",
            "store-09992",
            "store-09993",
            "store-09994",
            "store-09995",
            "store-09996",
            "store-09997",
            "store-09998",
            "store-09999");

    JsonNode run = json("/api/v1/runs/" + RUN);
    assertThat(run.get("byState").get("SUCCEEDED").asInt()).isEqualTo(N - N / 100);
    assertThat(run.get("failureClasses").get("USER").asInt()).isEqualTo(N / 100);
    assertThat(run.get("outcome").asText()).isEqualTo("ACTIVE");
  }

  @Test
  void badParametersAreProblemsNamingTheParameterTheValueAndTheRule() throws Exception {
    HttpResponse<String> r = send("GET", "/api/v1/runs/" + RUN + "/partitions?state=DONE", null);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(r.body()).contains("'state'").contains("DONE").contains("SUCCEEDED");

    assertThat(send("GET", "/api/v1/runs/" + RUN + "/partitions?limit=0", null).body())
        .contains("'limit'")
        .contains("from 1 to 1000");
    assertThat(send("GET", "/api/v1/runs/no-such-run", null).statusCode()).isEqualTo(404);
    assertThat(send("GET", "/api/v1/nothing-here", null).statusCode()).isEqualTo(404);
    assertThat(send("GET", "/api/v1/runs/..%2F..%2Fetc", null).statusCode()).isIn(400, 404);

    HttpResponse<String> lower =
        send("POST", "/api/v1/runs/" + RUN + "/cap/raise", "{\"to\":\"0.10\",\"reason\":\"x\"}");
    assertThat(lower.statusCode()).isEqualTo(400);
    assertThat(lower.body()).contains("'to'").contains("greater than the cap in force");
    HttpResponse<String> noReason = send("POST", "/api/v1/runs/" + RUN + "/rerun-failed", "{}");
    assertThat(noReason.statusCode()).isEqualTo(400);
    assertThat(noReason.body()).contains("'reason'");
  }

  @Test
  void showsTheLogTailOfAJobUnderTheJobsFolderOnly() throws Exception {
    JsonNode log = json("/api/v1/runs/" + RUN + "/jobs/store-00100/log?lines=2");
    assertThat(log.get("available").asBoolean()).isTrue();
    assertThat(log.get("lines").findValuesAsText("")).isEmpty();
    assertThat(List.of(log.get("lines").get(0).asText(), log.get("lines").get(1).asText()))
        .containsExactly("line 2", "Traceback: bad data");

    // A log path outside the jobs folder is never read, whatever an event says.
    leader.apply(
        moved(
            RUN,
            "store-00200",
            PartitionState.FAILED,
            PartitionState.FAILED,
            1,
            FailureClass.USER,
            "/etc/passwd"));
    JsonNode outside = json("/api/v1/runs/" + RUN + "/jobs/store-00200/log");
    assertThat(outside.get("available").asBoolean()).isFalse();
    assertThat(outside.toString()).doesNotContain("root:");
  }

  @Test
  void readsAWholeLogFromAnOffsetAsJobLogsFollowDoes() throws Exception {
    String job = JobNames.of(RUN, "store-00301", 1);
    Path dirOfJob = Files.createDirectories(jobs.resolve(job).resolve("user_logs"));
    Path log = dirOfJob.resolve("std_log.txt");
    Files.writeString(log, "epoch 1\n");
    leader.apply(
        moved(
            RUN,
            "store-00301",
            PartitionState.SUCCEEDED,
            PartitionState.SUCCEEDED,
            1,
            null,
            log.toString()));
    String base = "/api/v1/runs/" + RUN + "/jobs/store-00301/log?offset=";

    JsonNode first = json(base + 0);
    assertThat(first.get("available").asBoolean()).isTrue();
    assertThat(first.get("ended").asBoolean()).as("no exit_code yet").isFalse();
    assertThat(decode(first)).isEqualTo("epoch 1\n");
    long next = first.get("nextOffset").asLong();
    assertThat(next).isEqualTo(8);

    // The job writes on and ends: the next read starts where the last one stopped.
    Files.writeString(log, "epoch 1\nepoch 2 ü\n");
    Files.writeString(jobs.resolve(job).resolve("exit_code"), "0\n");
    JsonNode second = json(base + next);
    assertThat(decode(second)).isEqualTo("epoch 2 ü\n");
    assertThat(second.get("ended").asBoolean()).isTrue();
    JsonNode last = json(base + second.get("nextOffset").asLong());
    assertThat(decode(last)).isEmpty();

    HttpResponse<String> bad = send("GET", base + "-1", null);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("'offset'", "-1", "at least 0");
    HttpResponse<String> noAttempt = send("GET", base + "0&attempt=2", null);
    assertThat(noAttempt.statusCode()).isEqualTo(400);
    assertThat(noAttempt.body()).contains("'attempt'", "'2'");
  }

  @Test
  void theStudioLinkIsTheOneTheWorkerReportedNotTheLogPath() throws Exception {
    String studio = "https://ml.azure.com/runs/big-run-store-00401-a1?wsid=/subscriptions/s";
    leader.apply(
        RunEvent.PartitionTransitioned.move(
                RUN, "store-00401", PartitionState.SUCCEEDED, ConsoleEvents.T0.plusSeconds(99))
            .from(PartitionState.SUCCEEDED)
            .attempt(1)
            .jobName("big-run-store-00401-a1")
            .tags(Map.of())
            .logPath("azureml://jobs/big-run-store-00401-a1/outputs/user_logs/std_log.txt")
            .studioUrl(studio)
            .build());
    JsonNode log = json("/api/v1/runs/" + RUN + "/jobs/store-00401/log");
    assertThat(log.get("studioUrl").asText()).isEqualTo(studio);
    assertThat(log.get("available").asBoolean()).isFalse();
    JsonNode chunk = json("/api/v1/runs/" + RUN + "/jobs/store-00401/log?offset=0");
    assertThat(chunk.get("studioUrl").asText()).isEqualTo(studio);
    assertThat(chunk.get("detail").asText()).contains("--backend azureml");
    JsonNode job = json("/api/v1/runs/" + RUN + "/jobs/store-00401");
    assertThat(job.get("studioUrl").asText()).isEqualTo(studio);
    JsonNode partition =
        json("/api/v1/runs/" + RUN + "/partitions?q=store-00401").get("items").get(0);
    assertThat(partition.get("studioUrl").asText()).isEqualTo(studio);
  }

  @Test
  void aStartThroughTheApiIsTheCallersWhateverTheBodySays() throws Exception {
    String definition = Json.toString(runStarted("x", 1, null).definition());
    HttpResponse<String> started =
        send(
            "POST",
            "/api/v1/runs",
            "{\"runId\":\"api-start-1\",\"requestedBy\":\"mallory\",\"definition\":"
                + definition
                + ",\"partitions\":[{\"id\":\"store-001\"}]}");
    assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
    assertThat(started.body()).contains("\"RunStarted\"").doesNotContain("mallory");
    var sent =
        (io.partitrain.shared.contracts.RunCommand.StartRun)
            leader.sent.get(leader.sent.size() - 1);
    assertThat(sent.runId()).isEqualTo("api-start-1");
    assertThat(sent.requestedBy()).startsWith(LocalTokenAuthenticator.SUBJECT);
    assertThat(sent.partitions()).hasSize(1);

    HttpResponse<String> noPlan =
        send("POST", "/api/v1/runs", "{\"runId\":\"api-start-2\",\"partitions\":[]}");
    assertThat(noPlan.statusCode()).isEqualTo(400);
    assertThat(noPlan.body()).contains("'definition'");
    HttpResponse<String> badId =
        send(
            "POST",
            "/api/v1/runs",
            "{\"runId\":\"../etc\",\"definition\":" + definition + ",\"partitions\":[]}");
    assertThat(badId.statusCode()).isEqualTo(400);
    assertThat(badId.body()).contains("'runId'", "../etc");
  }

  private static String decode(JsonNode chunk) {
    return new String(
        java.util.Base64.getDecoder().decode(chunk.get("data").asText()),
        java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void ledgerCsvQuotesWhatASpreadsheetWouldMisreadAndCapEventsSayWhoAndWhy() throws Exception {
    String csv = send("GET", "/api/v1/runs/" + RUN + "/finops/ledger?format=csv", null).body();
    String[] lines = csv.split("\r\n");
    assertThat(lines[0]).startsWith("runId,partitionId,attempt,").endsWith(",tag.region");
    assertThat(lines).hasSize(3);
    assertThat(lines[1]).contains("store-00001").contains(",0.25,");

    String events = send("GET", "/api/v1/runs/" + RUN + "/finops/events?format=csv", null).body();
    assertThat(events)
        .contains("CostCapChanged")
        .contains("fiona")
        .contains("\"promo, \"\"Q4\"\"\"");

    JsonNode finops = json("/api/v1/runs/" + RUN + "/finops");
    assertThat(finops.get("spendByTag").get("region").get("north").decimalValue())
        .isEqualByComparingTo("0.75");
  }

  @Test
  void servesThePageTheOpenApiDocumentAndSecurityHeaders() throws Exception {
    HttpResponse<String> page =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("Partitrain console").contains("/app.js");
    assertThat(page.headers().firstValue("Content-Security-Policy")).isPresent();
    assertThat(page.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

    JsonNode openApi =
        Json.mapper()
            .readTree(
                http.send(
                        HttpRequest.newBuilder(
                                URI.create(
                                    "http://127.0.0.1:" + server.port() + "/api/v1/openapi.json"))
                            .build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body());
    assertThat(openApi.get("openapi").asText()).isEqualTo("3.1.0");
    assertThat(
            openApi
                .get("paths")
                .get("/api/v1/runs/{runId}/rerun-failed")
                .get("post")
                .get("x-partitrain-role")
                .asText())
        .isEqualTo("operator");
  }

  private static JsonNode json(String path) throws Exception {
    HttpResponse<String> r = send("GET", path, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Json.mapper().readTree(r.body());
  }

  private static HttpResponse<String> send(String method, String path, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .header("Authorization", "Bearer " + TOKEN.token());
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
