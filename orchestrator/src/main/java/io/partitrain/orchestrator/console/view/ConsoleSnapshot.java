package io.partitrain.orchestrator.console.view;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the console reads, as of one moment: immutable, swapped whole by the fold, so an HTTP
 * thread never sees a half-applied event.
 *
 * @param runs newest first
 * @param asOf when the fold last caught up with the topics
 */
public record ConsoleSnapshot(
    List<RunView> runs, Map<String, RunView> byId, List<ScheduleView> schedules, Instant asOf) {

  public static final ConsoleSnapshot EMPTY =
      new ConsoleSnapshot(List.of(), Map.of(), List.of(), Instant.EPOCH);

  public ConsoleSnapshot {
    runs = List.copyOf(runs);
    byId = Map.copyOf(byId);
    schedules = List.copyOf(schedules);
  }

  public Optional<RunView> run(String runId) {
    return Optional.ofNullable(byId.get(runId));
  }
}
