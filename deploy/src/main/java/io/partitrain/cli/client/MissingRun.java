package io.partitrain.cli.client;

import io.partitrain.orchestrator.StateConfig;
import io.partitrain.shared.config.ServiceSettings;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.kafka.KeyedReads;
import java.util.List;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** What the CLI says when a run it was asked about is on none of the topics. */
public final class MissingRun {

  private MissingRun() {}

  /**
   * Why {@code RunFromTopics.read} found nothing: the run is on neither the runs topic nor the
   * state topic. Names the retention settings, and says whether the runs topic has dropped records
   * where the run's would be (its partition no longer starts at offset 0).
   */
  public static String message(KafkaSettings kafka, String runId) {
    long start = 0;
    int partition = -1;
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(kafka.consumer("partitrain-cli-evidence", null))) {
      TopicPartition home = KeyedReads.partitionOf(c, kafka.topics().runs(), runId);
      partition = home.partition();
      start = c.beginningOffsets(List.of(home)).getOrDefault(home, 0L);
    }
    String dropped =
        start > 0
            ? " (partition "
                + partition
                + " of the runs topic, where its decisions would be, now starts at offset "
                + start
                + ": the records before it are past its retention)"
            : "";
    return "no run "
        + runId
        + " on the runs topic or the state topic"
        + dropped
        + ". If it ran, its decisions are past the runs topic's retention"
        + " (PARTITRAIN_RUNS_RETENTION, default "
        + ServiceSettings.DEFAULT_RUNS_RETENTION.toDays()
        + " days) and its final snapshot past PARTITRAIN_FINISHED_RUN_RETENTION (default "
        + StateConfig.DEFAULT_FINISHED_RETENTION.toDays()
        + " days); `partitrain run list` shows the runs still kept";
  }
}
