package io.partitrain.deploy;

import static io.partitrain.shared.testing.WorkItemBuilder.aWorkItem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.shared.contracts.JobStatusEvent;
import io.partitrain.shared.contracts.Topics;
import io.partitrain.shared.contracts.WorkItem;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.kafka.TopicAdmin;
import io.partitrain.shared.serde.Json;
import io.partitrain.testkit.TestKafka;
import io.partitrain.worker.Worker;
import io.partitrain.worker.WorkerConfig;
import io.partitrain.worker.Workers;
import io.partitrain.worker.backend.JobBackend;
import io.partitrain.worker.backend.JobObservation;
import io.partitrain.worker.backend.JobRef;
import io.partitrain.worker.backend.JobRequest;
import io.partitrain.worker.backend.SubmitResult;
import io.partitrain.worker.backend.simulated.SimulatedBackend;
import io.partitrain.worker.backend.simulated.SimulationProfile;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 11, on a real broker: a submit that uploads for three times the consumer's {@code
 * max.poll.interval.ms} (a large code folder) does not get the worker thrown out of its group. The
 * item is submitted once and its offset committed by the first try; before the fix the group
 * refused the commit and redelivered the item, and the backend saw a second submit.
 */
@Timeout(180)
class SlowSubmitIT {

  @RegisterExtension static final TestKafka BROKER = TestKafka.perClass();

  static final Duration MAX_POLL_INTERVAL = Duration.ofSeconds(2);
  static final Duration UPLOAD = MAX_POLL_INTERVAL.multipliedBy(3);

  /** The simulated cloud, whose submit first "uploads" for {@link #UPLOAD}. */
  static final class SlowUploads implements JobBackend {
    final SimulatedBackend cloud;
    final AtomicInteger submits = new AtomicInteger();

    SlowUploads(SimulatedBackend cloud) {
      this.cloud = cloud;
    }

    @Override
    public String name() {
      return "slow-uploads";
    }

    @Override
    public SubmitResult submit(JobRequest request) {
      submits.incrementAndGet();
      LockSupport.parkNanos(UPLOAD.toNanos()); // the upload itself, not a test waiting
      return cloud.submit(request);
    }

    @Override
    public Optional<JobObservation> observe(JobRef job) {
      return cloud.observe(job);
    }

    @Override
    public void cancel(JobRef job) {
      cloud.cancel(job);
    }

    @Override
    public void close() {
      cloud.close();
    }
  }

  @Test
  void anUploadLongerThanMaxPollIntervalKeepsTheWorkerInItsGroupAndSubmitsOnce() throws Exception {
    KafkaSettings kafka =
        new KafkaSettings(
            BROKER.bootstrapServers(), new Topics(TestKafka.uniqueName("slow")), Map.of());
    TopicAdmin.ensureTopics(kafka, (short) 1);
    SlowUploads backend =
        new SlowUploads(
            new SimulatedBackend(
                Clock.systemUTC(),
                new SimulationProfile(
                    Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(40), 0, 0, 1)));
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    WorkerConfig config =
        WorkerConfig.forInstallation("slow-w1", kafka.topics().prefix())
            .withPollInterval(Duration.ofMillis(100));
    Worker worker =
        Workers.start(
            kafka,
            config,
            backend,
            Clock.systemUTC(),
            meters,
            Map.of(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) MAX_POLL_INTERVAL.toMillis()),
            e -> {});
    WorkItem item = aWorkItem().forPartition("store-001").build();
    try (var producer = new KafkaProducer<String, byte[]>(kafka.producer("it", null));
        Admin admin = Admin.create(kafka.common("it-admin"))) {
      producer
          .send(new ProducerRecord<>(kafka.topics().work(), item.key(), Json.toBytes(item)))
          .get();

      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> committed(admin, config.groupId(), kafka.topics().work()) >= 1);

      assertThat(backend.submits).as("submits of the one work item").hasValue(1);
      assertThat(meters.counter("partitrain_worker_commits_refused_total").count())
          .as("commits the group refused")
          .isZero();
      List<JobStatusEvent> statuses =
          RunScenario.statusEvents(kafka).stream()
              .filter(s -> s.jobName().equals(item.jobName()))
              .toList();
      assertThat(statuses)
          .filteredOn(s -> s.phase() == JobPhase.SUBMITTED)
          .as("SUBMITTED reported once")
          .hasSize(1);
    } finally {
      worker.close();
      worker.awaitStopped(Duration.ofSeconds(30));
    }
  }

  /** The group's committed offsets on the topic, summed over its partitions. */
  private static long committed(Admin admin, String group, String topic) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    return offsets.entrySet().stream()
        .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
        .mapToLong(e -> e.getValue().offset())
        .sum();
  }
}
