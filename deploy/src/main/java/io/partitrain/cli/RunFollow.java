package io.partitrain.cli;

import io.partitrain.cli.client.ConsoleApiClient;
import io.partitrain.cli.client.RunClient;
import io.partitrain.cli.client.RunHistory;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunOutcome;
import io.partitrain.shared.contracts.RunSummary;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Follows a run until it is no longer ACTIVE, on the topics or through the console, calling back
 * with each changed summary: the one follow loop of {@code run show --watch} and {@code run wait}.
 */
final class RunFollow {

  /** How long {@code --watch} follows a run at most. */
  static final Duration WATCH_LIMIT = Duration.ofDays(7);

  /** How often {@code --server} asks the console again while waiting for a run. */
  static final Duration SERVER_POLL = Duration.ofSeconds(1);

  static final Duration SERVER_POLL_SHORT = Duration.ofMillis(100);

  private RunFollow() {}

  /** Waits {@code d}; true (to go on) unless interrupted. */
  static boolean pause(Duration d) {
    LockSupport.parkNanos(d.toNanos());
    return !Thread.currentThread().isInterrupted();
  }

  /**
   * Follows a run on the topics, calling {@code onChange} with every summary published at or after
   * {@code since}, until it is no longer ACTIVE.
   *
   * @return the run as it settled (read again, so with its cancel)
   * @throws io.partitrain.shared.RetriableException when {@code timeout} passed first
   */
  static Optional<RunHistory> onTopics(
      RunClient client,
      String runId,
      Instant since,
      Duration timeout,
      Consumer<RunSummary> onChange) {
    client.follow(
        runId, since, s -> RunOutcome.of(s, false) != RunOutcome.ACTIVE, onChange, timeout);
    return client.history(runId, false);
  }

  /**
   * Follows a run through the console until it is no longer ACTIVE or {@code until} passed: one
   * call per changed summary, as {@link #onTopics} does on the topics.
   *
   * @return the run as last read; its outcome is still ACTIVE when the time ran out
   */
  static Optional<RunHistory> throughServer(
      ConsoleApiClient api, String runId, Instant until, Consumer<RunSummary> onChange) {
    Optional<RunHistory> h = api.run(runId);
    RunSummary shown = null;
    while (true) {
      if (h.isPresent() && !h.get().summary().equals(shown)) {
        shown = h.get().summary();
        onChange.accept(shown);
      }
      if (h.isPresent() && h.get().outcome() != RunOutcome.ACTIVE) {
        return h;
      }
      if (!Instant.now().isBefore(until) || !pause(SERVER_POLL)) {
        return h;
      }
      h = api.run(runId);
    }
  }

  /** Prints each change as a {@link #watchLine}, flushed at once. */
  static Consumer<RunSummary> printingTo(PrintWriter out) {
    return s -> {
      out.println(watchLine(s));
      out.flush();
    };
  }

  static String watchLine(RunSummary s) {
    StringBuilder b =
        new StringBuilder(RunView.time(Instant.now()))
            .append("  ")
            .append(String.format("%-17s", RunOutcome.of(s, false)));
    for (PartitionState st : PartitionState.values()) {
      if (s.count(st) > 0) {
        b.append(' ').append(st).append(' ').append(s.count(st));
      }
    }
    return b.toString();
  }
}
