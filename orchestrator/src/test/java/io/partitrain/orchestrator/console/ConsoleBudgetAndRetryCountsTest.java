package io.partitrain.orchestrator.console;

import static io.partitrain.orchestrator.console.ConsoleEvents.T0;
import static io.partitrain.orchestrator.console.ConsoleEvents.moved;
import static io.partitrain.orchestrator.console.ConsoleEvents.runStarted;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.orchestrator.console.api.ConsoleApi;
import io.partitrain.orchestrator.console.api.read.JobLogs;
import io.partitrain.orchestrator.console.auth.LocalTokenAuthenticator;
import io.partitrain.orchestrator.console.view.RunDetails;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.serde.Json;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 23, item 6, in the console: a partition waiting for budget says what the budget is now
 * (after a cap raise), and a failure whose retry is scheduled is counted apart from final ones, as
 * {@code run show} counts it.
 */
class ConsoleBudgetAndRetryCountsTest {

  private static final String RUN = "held-run";
  private static final LocalTokenAuthenticator TOKEN = LocalTokenAuthenticator.generate();
  private static final HttpClient http = HttpClient.newHttpClient();
  private static ConsoleServer server;

  @BeforeAll
  static void start() {
    FakeLeader leader = new FakeLeader();
    String stale = "cost cap 1.00 EUR reached: spent 0.00, reserved 0.60, next attempt needs 0.60";
    leader.apply(
        runStarted(RUN, 4, new BigDecimal("1.00")),
        moved(RUN, "p1", null, PartitionState.SCHEDULED, 1),
        moved(RUN, "p2", null, PartitionState.SCHEDULED, 1),
        moved(RUN, "p3", null, PartitionState.SCHEDULED, 1),
        moved(RUN, "p4", null, PartitionState.SCHEDULED, 1),
        moved(RUN, "p1", PartitionState.SCHEDULED, PartitionState.ADMITTED, 1),
        reserved("p1", "0.60"),
        deferred("p2", stale),
        moved(RUN, "p3", PartitionState.SCHEDULED, PartitionState.ADMITTED, 1),
        moved(
            RUN, "p3", PartitionState.ADMITTED, PartitionState.FAILED, 1, FailureClass.INFRA, null),
        new RunEvent.RetryScheduled(
            Schema.VERSION,
            RUN,
            "p3",
            2,
            T0.plusSeconds(120),
            RunEvent.RetryScheduled.Cause.RETRY,
            T0),
        moved(RUN, "p4", PartitionState.SCHEDULED, PartitionState.ADMITTED, 1),
        moved(
            RUN, "p4", PartitionState.ADMITTED, PartitionState.FAILED, 1, FailureClass.USER, null),
        new RunEvent.CostCapChanged(
            Schema.VERSION,
            RUN,
            "cmd-raise",
            "fiona",
            "promo",
            new BigDecimal("1.00"),
            new BigDecimal("1.10"),
            T0.plusSeconds(60)));
    ConsoleApi api =
        new ConsoleApi(
            leader, leader, new JobLogs(Optional.empty()), RunDetails.NONE, Clock.systemUTC());
    server =
        ConsoleServer.start(
            ConsoleConfig.ephemeral(), api, TOKEN, () -> "", () -> true, () -> Map.of());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static RunEvent reserved(String partition, String amount) {
    return new RunEvent.CostReserved(
        Schema.VERSION,
        RUN,
        partition,
        1,
        "local",
        null,
        1,
        new BigDecimal("0.10"),
        Duration.ofHours(6),
        new BigDecimal(amount),
        T0);
  }

  private static RunEvent deferred(String partition, String reason) {
    RunEvent.PartitionTransitioned t =
        moved(RUN, partition, PartitionState.SCHEDULED, PartitionState.DEFERRED_BY_COST, 0);
    return RunEvent.PartitionTransitioned.move(t.runId(), t.partitionId(), t.to(), t.at())
        .schemaVersion(t.schemaVersion())
        .from(t.from())
        .attempt(t.attempt())
        .reason(reason)
        .tags(t.tags())
        .build();
  }

  @Test
  void aDeferredPartitionShowsTheBudgetAfterTheRaiseNotTheOneItWasDeferredUnder() throws Exception {
    JsonNode page = json("/api/v1/runs/" + RUN + "/partitions?state=DEFERRED_BY_COST");
    assertThat(page.get("items")).hasSize(1);
    assertThat(page.get("items").get(0).get("reason").asText())
        .isEqualTo("waits for budget: cap 1.10 EUR leaves 0.50 (spent 0.00, reserved 0.60)");
  }

  @Test
  void aFailureWaitingForItsRetryIsCountedApart() throws Exception {
    JsonNode run = json("/api/v1/runs/" + RUN);
    assertThat(run.get("byState").get("FAILED").asInt()).isEqualTo(2);
    assertThat(run.get("retryPending").asInt()).isEqualTo(1);
  }

  private static JsonNode json(String path) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Authorization", "Bearer " + TOKEN.token())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Json.mapper().readTree(r.body());
  }
}
