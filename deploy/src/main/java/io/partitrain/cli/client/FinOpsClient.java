package io.partitrain.cli.client;

import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.kafka.KeyedReads;
import io.partitrain.shared.kafka.TopicReader;
import io.partitrain.shared.serde.Json;
import io.partitrain.shared.serde.UnreadableMessageException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/** Reads the FinOps topic (committed records only): cap events and the cost ledger. */
public final class FinOpsClient {

  private FinOpsClient() {}

  /**
   * The FinOps records of one run, in time order: the topic is keyed by run id, so only the run's
   * own partition is read ({@link KeyedReads}) and only its records decoded; {@code finops report}
   * had read and decoded every run's (issue 29: its time grew with history).
   */
  public static List<FinOpsRecord> readRun(KafkaSettings kafka, String clientId, String runId) {
    List<FinOpsRecord> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(kafka.consumer(clientId + "-finops", null))) {
      KeyedReads.readKey(
          c,
          kafka.topics().finops(),
          runId,
          r -> {
            try {
              FinOpsRecord f = Json.read(r.value(), FinOpsRecord.class);
              if (runId.equals(f.runId())) {
                out.add(f);
              }
            } catch (UnreadableMessageException e) {
              // not ours to judge here; the report covers what it can read
            }
          });
    }
    out.sort(java.util.Comparator.comparing(FinOpsRecord::at));
    return out;
  }

  /** Every FinOps record written so far, in topic order per partition. */
  public static List<FinOpsRecord> readAll(KafkaSettings kafka, String clientId) {
    List<FinOpsRecord> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(kafka.consumer(clientId + "-finops", null))) {
      TopicReader.readAll(
          c,
          kafka.topics().finops(),
          r -> {
            try {
              out.add(Json.read(r.value(), FinOpsRecord.class));
            } catch (UnreadableMessageException e) {
              // not ours to judge here; the report covers what it can read
            }
          });
    }
    out.sort(java.util.Comparator.comparing(FinOpsRecord::at));
    return out;
  }
}
