package io.partitrain.cli;

import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunIds;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.plan.Plan;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/**
 * What the CLI puts into the commands it sends on the topics: who asked, the start of a plan, and
 * how long it waits for the orchestrator's answer.
 */
public final class CliCommands {

  static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private CliCommands() {}

  /** The caller as {@code requestedBy}: the local user name. */
  static String user() {
    return System.getProperty("user.name", "unknown");
  }

  /** The default id of a run started by hand: the plan's name and the UTC time. */
  public static String manualRunId(String planName, Instant now) {
    return planName + "-" + STAMP.format(now);
  }

  /** The start command for a loaded plan. */
  public static RunCommand.StartRun startCommand(
      Plan plan, String runId, String requestedBy, Instant now) {
    RunIds.requireValid(runId);
    return new RunCommand.StartRun(
        Schema.VERSION,
        UUID.randomUUID().toString(),
        runId,
        plan.definition(),
        plan.partitions(),
        requestedBy,
        now);
  }
}
