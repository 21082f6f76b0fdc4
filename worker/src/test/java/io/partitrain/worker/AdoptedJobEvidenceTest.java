package io.partitrain.worker;

import static io.partitrain.shared.testing.WorkItemBuilder.aWorkItem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.partitrain.shared.contracts.JobStatusEvent;
import io.partitrain.shared.contracts.SubmittedJob;
import io.partitrain.shared.contracts.Topics;
import io.partitrain.shared.contracts.WorkItem;
import io.partitrain.shared.serde.Json;
import io.partitrain.shared.serde.StatusTopicValues;
import io.partitrain.worker.backend.JobRequest;
import io.partitrain.worker.backend.local.LocalBackendConfig;
import io.partitrain.worker.backend.local.LocalProcessBackend;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker that created a job and stopped before reporting SUBMITTED left no evidence of it on the
 * status topic. The worker that adopts the job (an ADOPT, or the SUBMIT delivered again) reads the
 * job back from the backend and sends that evidence with its first status, marked as found by it:
 * the audit trail has what ran even though its creator never said. Checked against the creator's
 * own evidence of the same job, which it computed and never sent.
 */
class AdoptedJobEvidenceTest {

  private static final Topics TOPICS = Topics.defaults();

  @TempDir Path jobs;

  @Test
  void anAdoptedJobsFirstStatusCarriesTheEvidenceTheBackendHolds() {
    WorkItem submit = aWorkItem().command("echo trained; sleep 1").build();
    SubmittedJob unsent;
    try (LocalProcessBackend creator = backend()) {
      unsent = creator.submit(JobRequest.of(submit)).submission();
    }
    assertThat(unsent).as("what the creator would have reported").isNotNull();

    // An ADOPT: the backend is asked for the job's evidence on the first report.
    JobStatusEvent adopted = firstStatus("w2", aWorkItem().kind(WorkItem.Kind.ADOPT).build());
    // The SUBMIT delivered again to another worker: the submit that found the job answers it.
    JobStatusEvent resubmitted = firstStatus("w3", submit);

    for (var found : List.of(adopted, resubmitted)) {
      SubmittedJob e = found.submission();
      assertThat(e).as("evidence on the first status of %s", found.workerId()).isNotNull();
      assertThat(e.adoptedBy()).isEqualTo(found.workerId());
      assertThat(e.workerId()).as("the creator is not known").isNull();
      assertThat(e.backend()).isEqualTo("local");
      assertThat(e.backendId()).isEqualTo(unsent.backendId());
      assertThat(e.codeLocation()).isEqualTo(unsent.codeLocation());
      assertThat(e.codeHash()).isEqualTo(unsent.codeHash());
      assertThat(e.inputs()).isEqualTo(unsent.inputs());
      assertThat(e.outputs()).isEqualTo(unsent.outputs());
      assertThat(e.requestBody()).isEqualTo(unsent.requestBody());
      assertThat(e.requestBody().path("command").asText()).contains("echo trained");
    }
  }

  private LocalProcessBackend backend() {
    return new LocalProcessBackend(new LocalBackendConfig(jobs, 2, 0, 1), Clock.systemUTC());
  }

  /** The first STATUS a worker sends for the item's job, on a backend over the same folder. */
  private JobStatusEvent firstStatus(String workerId, WorkItem item) {
    MockProducer<String, byte[]> producer =
        new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    try (LocalProcessBackend backend = backend()) {
      Worker worker =
          new Worker(
              WorkerConfig.forInstallation(workerId, TOPICS.prefix()),
              TOPICS,
              new MockConsumer<>("earliest"),
              producer,
              backend,
              Clock.systemUTC(),
              new SimpleMeterRegistry());
      worker.handle(new ConsumerRecord<>(TOPICS.work(), 0, 0L, item.key(), Json.toBytes(item)));
      return await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                worker.watcher().tick();
                return producer.history().stream()
                    .filter(r -> r.topic().equals(TOPICS.status()))
                    .flatMap(r -> StatusTopicValues.read(r.value()).stream())
                    .filter(e -> e.kind() == JobStatusEvent.Kind.STATUS)
                    .findFirst();
              },
              Optional::isPresent)
          .orElseThrow();
    }
  }
}
