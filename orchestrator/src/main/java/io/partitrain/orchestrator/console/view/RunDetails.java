package io.partitrain.orchestrator.console.view;

import io.partitrain.shared.kafka.KafkaSettings;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where the console finds the detail of a finished run it keeps only the summary of in memory (its
 * memory bound, PARTITRAIN_CONSOLE_RETAINED_RUNS): the run's decisions are still on the runs and
 * FinOps topics, so they are read from there on demand ({@link RunFromTopics}), folded as the
 * console folds them. Without this the console answered 410 for the partitions, jobs, ledger and
 * evidence of any run older than the last few, and sent operators to Kafka.
 *
 * <p>The last {@value #CACHED} runs read are kept: an operator looking at an old run asks for its
 * partitions, then a job, then its evidence. A cached detail is used only while the console's
 * summary of that run is the same object, which {@link RunsFold} copies again only when the run
 * changes (a rerun), so a cached answer is never older than the summary beside it.
 */
public final class RunDetails {

  /** The runs whose detail read from the topics is kept, least recently used out first. */
  static final int CACHED = 16;

  /** A console without topics to read from (tests of the API alone): evicted runs stay evicted. */
  public static final RunDetails NONE = reading(runId -> Optional.empty());

  private final Function<String, Optional<RunView>> read;
  private final Map<String, Cached> cache =
      new LinkedHashMap<>(CACHED, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
          return size() > CACHED;
        }
      };

  private RunDetails(Function<String, Optional<RunView>> read) {
    this.read = read;
  }

  /** Reads evicted runs' detail from these topics. */
  public static RunDetails fromTopics(KafkaSettings kafka) {
    return reading(runId -> RunFromTopics.read(kafka, runId));
  }

  /** Reads evicted runs' detail with {@code read} (a run id to the run with its detail). */
  public static RunDetails reading(Function<String, Optional<RunView>> read) {
    return new RunDetails(read);
  }

  /**
   * The run with its detail: {@code run} itself when the console holds it, else as read from the
   * topics; empty when the topics no longer hold its decisions either.
   */
  public Optional<RunView> withDetail(RunView run) {
    if (!run.detailEvicted()) {
      return Optional.of(run);
    }
    synchronized (cache) {
      Cached c = cache.get(run.runId());
      if (c != null && c.summary == run) {
        return Optional.of(c.detail);
      }
    }
    // Read outside the lock: a slow read of one run does not hold up the others.
    Optional<RunView> detail = read.apply(run.runId()).filter(d -> !d.detailEvicted());
    detail.ifPresent(
        d -> {
          synchronized (cache) {
            cache.put(run.runId(), new Cached(run, d));
          }
        });
    return detail;
  }

  private record Cached(RunView summary, RunView detail) {}
}
