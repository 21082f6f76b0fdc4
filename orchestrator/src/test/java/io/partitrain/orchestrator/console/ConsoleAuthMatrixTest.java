package io.partitrain.orchestrator.console;

import static io.partitrain.orchestrator.console.ConsoleEvents.capChanged;
import static io.partitrain.orchestrator.console.ConsoleEvents.ledger;
import static io.partitrain.orchestrator.console.ConsoleEvents.moved;
import static io.partitrain.orchestrator.console.ConsoleEvents.runStarted;
import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.orchestrator.console.api.ConsoleApi;
import io.partitrain.orchestrator.console.api.read.JobLogs;
import io.partitrain.orchestrator.console.auth.Authenticator;
import io.partitrain.orchestrator.console.auth.JwtAuthenticator;
import io.partitrain.orchestrator.console.view.RunDetails;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.ScheduleSpec;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.serde.Json;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every endpoint called with no token, an expired token, a token from another issuer, and a token
 * of each role: 401, 403 or 200 exactly as the roles table documents (README, Console). The
 * expected table is written out here, not derived from {@code Role.grants}, so a change of either
 * shows up as a failure.
 */
class ConsoleAuthMatrixTest {

  /** Who may call what: the documented table. */
  private static final Map<String, Set<String>> ALLOWED = new LinkedHashMap<>();

  private static final Set<String> EVERY_ROLE = Set.of("viewer", "operator", "finops", "admin");

  static {
    ALLOWED.put("GET /api/v1/whoami", EVERY_ROLE);
    ALLOWED.put("GET /api/v1/runs", EVERY_ROLE);
    ALLOWED.put("POST /api/v1/runs", Set.of("operator", "admin"));
    ALLOWED.put("GET /api/v1/runs/{runId}", EVERY_ROLE);
    ALLOWED.put("GET /api/v1/runs/{runId}/partitions", EVERY_ROLE);
    ALLOWED.put("GET /api/v1/runs/{runId}/jobs/{partitionId}", EVERY_ROLE);
    ALLOWED.put("GET /api/v1/runs/{runId}/jobs/{partitionId}/log", EVERY_ROLE);
    ALLOWED.put("GET /api/v1/runs/{runId}/finops", Set.of("finops", "admin"));
    ALLOWED.put("GET /api/v1/runs/{runId}/finops/report", Set.of("finops", "admin"));
    ALLOWED.put("GET /api/v1/finops/events", Set.of("finops", "admin"));
    ALLOWED.put("GET /api/v1/runs/{runId}/finops/ledger", Set.of("finops", "admin"));
    ALLOWED.put("GET /api/v1/runs/{runId}/finops/events", Set.of("finops", "admin"));
    ALLOWED.put("GET /api/v1/runs/{runId}/evidence", Set.of("finops", "admin"));
    ALLOWED.put("GET /api/v1/schedules", EVERY_ROLE);
    ALLOWED.put("POST /api/v1/schedules", Set.of("operator", "admin"));
    ALLOWED.put("POST /api/v1/runs/{runId}/rerun-failed", Set.of("operator", "admin"));
    ALLOWED.put("POST /api/v1/runs/{runId}/cancel", Set.of("operator", "admin"));
    ALLOWED.put("POST /api/v1/runs/{runId}/cap/raise", Set.of("finops", "admin"));
    ALLOWED.put("POST /api/v1/runs/{runId}/cap", Set.of("admin"));
    ALLOWED.put("POST /api/v1/compute/{target}/node-cap", Set.of("admin"));
    ALLOWED.put("POST /api/v1/schedules/{plan}/pause", Set.of("operator", "admin"));
    ALLOWED.put("POST /api/v1/schedules/{plan}/resume", Set.of("operator", "admin"));
  }

  private static final String RUN = "weekly-demand-2026-W48";
  private static TestIdentityProvider entra;
  private static TestIdentityProvider otherTenant;
  private static FakeLeader leader;
  private static ConsoleApi api;
  private static ConsoleServer server;
  private static final java.util.concurrent.atomic.AtomicInteger CAP =
      new java.util.concurrent.atomic.AtomicInteger();
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    entra = TestIdentityProvider.start("tenant-a");
    otherTenant = TestIdentityProvider.start("tenant-b");
    leader = new FakeLeader();
    leader.apply(
        runStarted(RUN, 2, new BigDecimal("1.00")),
        moved(RUN, "store-001", null, PartitionState.SCHEDULED, 1),
        moved(RUN, "store-001", PartitionState.SCHEDULED, PartitionState.ADMITTED, 1),
        moved(
            RUN,
            "store-001",
            PartitionState.ADMITTED,
            PartitionState.FAILED,
            1,
            FailureClass.USER,
            null),
        new RunEvent.ScheduleApplied(
            Schema.VERSION,
            ScheduleSpec.key("weekly-demand"),
            "weekly-demand",
            new ScheduleSpec("0 6 * * MON", "Europe/Berlin", null, null, null),
            null,
            List.of(),
            "c1",
            "alice",
            ConsoleEvents.T0));
    leader.apply(ledger(RUN, "store-001", "0.01"), capChanged(RUN, "bob", "quarter end"));
    api =
        new ConsoleApi(
            leader, leader, new JobLogs(Optional.empty()), RunDetails.NONE, Clock.systemUTC());
    Authenticator jwt =
        new JwtAuthenticator(entra.issuer(), TestIdentityProvider.AUDIENCE, entra.jwksUrl());
    server =
        ConsoleServer.start(
            ConsoleConfig.ephemeral(), api, jwt, () -> "", () -> true, () -> Map.of());
  }

  @AfterAll
  static void stop() {
    server.close();
    entra.close();
    otherTenant.close();
  }

  @Test
  void theTableCoversEveryServedEndpoint() {
    List<String> served =
        api.endpoints().stream().map(e -> e.method().name() + " " + e.path()).toList();
    assertThat(served).containsExactlyInAnyOrderElementsOf(ALLOWED.keySet());
  }

  static Stream<Arguments> matrix() {
    List<Arguments> out = new ArrayList<>();
    for (String endpoint : ALLOWED.keySet()) {
      out.add(Arguments.of(endpoint, "no token", 401));
      out.add(Arguments.of(endpoint, "expired", 401));
      out.add(Arguments.of(endpoint, "other issuer", 401));
      out.add(Arguments.of(endpoint, "no role", 403));
      for (String role : List.of("viewer", "operator", "finops", "admin")) {
        out.add(Arguments.of(endpoint, role, ALLOWED.get(endpoint).contains(role) ? 200 : 403));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} as {1} -> {2}")
  @MethodSource("matrix")
  void answersAsDocumented(String endpoint, String caller, int expected) throws Exception {
    HttpResponse<String> response = call(endpoint, tokenFor(caller));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(expected);
    if (expected != 200) {
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
      assertThat(response.body()).contains("\"status\":" + expected);
    }
    if (expected == 401) {
      assertThat(response.headers().firstValue("WWW-Authenticate")).isPresent();
    }
  }

  @Test
  void aCommandRecordsTheTokensSubjectAndNameNeverAClientSuppliedName() throws Exception {
    String token =
        entra.token("0f3c-oid-operator", "Olga Operator", List.of("Partitrain.Operator"));
    HttpResponse<String> response =
        send(
            "POST",
            "/api/v1/runs/" + RUN + "/rerun-failed",
            "{\"reason\":\"data fixed\",\"requestedBy\":\"mallory\"}",
            token);

    assertThat(response.statusCode()).isEqualTo(200);
    RunCommand last = leader.sent.get(leader.sent.size() - 1);
    assertThat(last).isInstanceOf(RunCommand.RerunFailed.class);
    assertThat(last.requestedBy()).isEqualTo("0f3c-oid-operator (Olga Operator)");
    assertThat(response.body()).contains("0f3c-oid-operator").doesNotContain("mallory");
  }

  private static String tokenFor(String caller) {
    return switch (caller) {
      case "no token" -> null;
      case "expired" -> entra.expiredToken("sub-expired", List.of("admin"));
      case "other issuer" -> otherTenant.token("sub-other", "Other", List.of("admin"));
      case "no role" -> entra.token("sub-none", "Nobody", List.of("SomeOtherApp.Reader"));
      default -> entra.token("sub-" + caller, "A " + caller, List.of("Partitrain." + caller));
    };
  }

  private static HttpResponse<String> call(String endpoint, String token) throws Exception {
    String[] parts = endpoint.split(" ", 2);
    String path =
        parts[1]
            .replace("{runId}", RUN)
            .replace("{partitionId}", "store-001")
            .replace("{target}", "cpu-cluster")
            .replace("{plan}", "weekly-demand");
    // Each cap change goes higher than every earlier one, so a raise is always a raise.
    String body =
        path.equals("/api/v1/runs")
            ? startBody("matrix-" + CAP.incrementAndGet())
            : path.equals("/api/v1/schedules")
                ? scheduleBody()
                : path.endsWith("/cap/raise") || path.endsWith("/cap")
                    ? "{\"to\":\""
                        + (10 + CAP.incrementAndGet())
                        + ".00\",\"reason\":\"more stores\"}"
                    : path.endsWith("/node-cap")
                        ? "{\"nodes\":4,\"reason\":\"quota raised\"}"
                        : "{\"reason\":\"matrix\"}";
    return send(parts[0], path, parts[0].equals("POST") ? body : null, token);
  }

  /** A start as 'partitrain run start' posts it: the checked plan and its partitions. */
  static String startBody(String runId) {
    return Json.toString(
        Map.of(
            "runId",
            runId,
            "definition",
            runStarted(runId, 1, null).definition(),
            "partitions",
            List.of(new PartitionSpec("store-001", Map.of("region", "north")))));
  }

  static String scheduleBody() {
    return Json.toString(
        Map.of(
            "schedule",
            new ScheduleSpec("0 6 * * MON", "Europe/Berlin", null, null, null),
            "definition",
            runStarted(RUN, 1, null).definition(),
            "partitions",
            List.of(new PartitionSpec("store-001", Map.of()))));
  }

  private static HttpResponse<String> send(String method, String path, String body, String token)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
      b.method(method, HttpRequest.BodyPublishers.ofString(body));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
