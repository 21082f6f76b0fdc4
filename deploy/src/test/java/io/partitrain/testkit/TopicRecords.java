package io.partitrain.testkit;

import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.kafka.TopicReader;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/** Reads a whole topic (committed records only), for assertions on what was really written. */
public final class TopicRecords {

  private TopicRecords() {}

  public static List<ConsumerRecord<String, byte[]>> readAll(KafkaSettings kafka, String topic) {
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(kafka.consumer("topic-reader", null))) {
      TopicReader.readAll(c, topic, out::add);
    }
    return out;
  }
}
