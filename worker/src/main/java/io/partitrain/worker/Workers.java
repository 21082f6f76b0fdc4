package io.partitrain.worker;

import io.micrometer.core.instrument.MeterRegistry;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.worker.backend.JobBackend;
import java.time.Clock;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/** Builds workers on real Kafka clients and starts them on their own threads. */
public final class Workers {

  /**
   * Work items per poll at most. A batch is sized by time ({@link Worker#BATCH_TIME}), not by this
   * count: a fast backend handles hundreds of items a commit, a slow one is cut after a second and
   * reads the rest again (issue 12: 20 items a poll, each poll waiting for its acknowledgements and
   * its commit, made the workers the bottleneck of the simulated runs).
   */
  static final int MAX_POLL_RECORDS = 500;

  private Workers() {}

  public static Worker start(
      KafkaSettings kafka,
      WorkerConfig config,
      JobBackend backend,
      Clock clock,
      MeterRegistry registry) {
    return start(kafka, config, backend, clock, registry, java.util.Map.of(), failure -> {});
  }

  /**
   * @param consumerOverrides consumer settings to override (for example {@code session.timeout.ms},
   *     which bounds how long a killed worker's partitions, and the ADOPT items on them, wait)
   * @param onLoopDeath called, on the worker's thread, with what ended its loop when it did not end
   *     by {@link Worker#close}: a worker that takes no more work must not look alive, so a service
   *     exits non-zero here and lets its supervisor start a fresh one
   */
  public static Worker start(
      KafkaSettings kafka,
      WorkerConfig config,
      JobBackend backend,
      Clock clock,
      MeterRegistry registry,
      java.util.Map<String, Object> consumerOverrides,
      java.util.function.Consumer<Throwable> onLoopDeath) {
    var consumerProps = kafka.consumer(config.workerId(), config.groupId());
    consumerProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
    consumerProps.putAll(consumerOverrides);
    var consumer = new KafkaConsumer<String, byte[]>(consumerProps);
    var producer =
        new KafkaProducer<String, byte[]>(kafka.producer(config.workerId() + "-status", null));
    Worker worker =
        new Worker(config, kafka.topics(), consumer, producer, backend, clock, registry);
    Thread t =
        new Thread(
            () -> {
              try {
                worker.run();
              } catch (RuntimeException | Error e) {
                producer.close();
                onLoopDeath.accept(e);
                return;
              }
              producer.close();
            },
            "worker-" + config.workerId());
    t.start();
    return worker;
  }
}
