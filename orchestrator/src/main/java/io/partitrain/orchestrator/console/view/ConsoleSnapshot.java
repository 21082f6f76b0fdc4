package io.partitrain.orchestrator.console.view;

import io.partitrain.shared.contracts.FinOpsRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the console reads, as of one moment: immutable, swapped whole by the fold, so an HTTP
 * thread never sees a half-applied event.
 *
 * @param runs newest first
 * @param capEvents cap events across runs and compute targets, oldest first (the latest {@link
 *     RunsFold#MAX_CAP_EVENTS})
 * @param olderCapEventsDropped whether older cap events were dropped to keep that bound
 * @param asOf when the fold last caught up with the topics
 */
public record ConsoleSnapshot(
    List<RunView> runs,
    Map<String, RunView> byId,
    List<ScheduleView> schedules,
    List<FinOpsRecord.CapEvent> capEvents,
    boolean olderCapEventsDropped,
    Instant asOf) {

  public static final ConsoleSnapshot EMPTY =
      new ConsoleSnapshot(List.of(), Map.of(), List.of(), List.of(), false, Instant.EPOCH);

  public ConsoleSnapshot {
    runs = List.copyOf(runs);
    byId = Map.copyOf(byId);
    schedules = List.copyOf(schedules);
    capEvents = List.copyOf(capEvents);
  }

  public Optional<RunView> run(String runId) {
    return Optional.ofNullable(byId.get(runId));
  }
}
