package io.partitrain.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.cli.main.PartitrainCli;
import io.partitrain.shared.serde.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code demo --cost-cap --node-cap} with a cap below what the run needs, in process. */
@Timeout(300)
class DemoCostCapIT {

  @TempDir Path dir;

  @Test
  void aCapBelowTheNeedEndsWithinTheCapAndNamesTheDeferredPartitions() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = PartitrainCli.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    // Price 3600/node-hour and a 120 s timeout: each attempt reserves 120.00 and costs its seconds.
    int code =
        cl.execute(
            "demo",
            "--backend",
            "simulated",
            "--stores",
            "12",
            "--broken",
            "1",
            "--failure-rate",
            "0",
            "--seed",
            "7",
            "--run-id",
            "demo-cost",
            "--workdir",
            dir.resolve("w").toString(),
            "--cost-cap",
            "120.80",
            "--price",
            "3600",
            "--node-cap",
            "2",
            "-o",
            "json");
    assertThat(code).as("stderr: " + err).isZero();
    JsonNode json = Json.mapper().readTree(out.toString());
    JsonNode cost = json.path("cost");
    System.out.println(
        "DemoCostCapIT: cost "
            + cost
            + ", deferred "
            + json.path("deferred")
            + ", maxInFlightNodes "
            + json.path("maxInFlightNodes"));
    assertThat(cost.path("cap").decimalValue()).isEqualByComparingTo("120.80");
    assertThat(cost.path("currency").asText()).isEqualTo("EUR");
    assertThat(cost.path("spent").decimalValue())
        .isPositive()
        .isLessThanOrEqualTo(new BigDecimal("120.80"));
    assertThat(json.path("deferred").size()).as("the cap is below the need").isPositive();
    assertThat(json.path("nodeCap").asInt()).isEqualTo(2);
    assertThat(json.path("maxInFlightNodes").asInt()).isBetween(1, 2);
  }
}
