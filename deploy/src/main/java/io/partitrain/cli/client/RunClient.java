package io.partitrain.cli.client;

import io.partitrain.shared.PartitrainException;
import io.partitrain.shared.RetriableException;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.kafka.TopicReader;
import io.partitrain.shared.serde.Json;
import io.partitrain.shared.serde.UnreadableMessageException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;

/**
 * How the CLI talks to the orchestrator: commands go to the commands topic, answers and run state
 * come back on the runs topic. Nothing here reaches into the orchestrator's process.
 */
public final class RunClient implements AutoCloseable {

  private static final Duration POLL = Duration.ofMillis(200);

  private final KafkaSettings kafka;
  private final String clientId;
  private KafkaProducer<String, byte[]> producer;

  public RunClient(KafkaSettings kafka, String clientId) {
    this.kafka = kafka;
    this.clientId = clientId;
  }

  /** Created on the first command: commands that only read never start a producer. */
  private synchronized KafkaProducer<String, byte[]> producer() {
    if (producer == null) {
      producer = new KafkaProducer<>(kafka.producer(clientId + "-commands", null));
    }
    return producer;
  }

  /**
   * Sends a command and waits for the orchestrator's answer (the run event carrying its command
   * id).
   *
   * @throws PartitrainException when no answer comes within {@code timeout}
   */
  public RunEvent send(RunCommand command, Duration timeout) {
    try (KafkaConsumer<String, byte[]> reader = reader()) {
      List<TopicPartition> parts = TopicReader.assignAll(reader, kafka.topics().runs());
      reader.seekToEnd(parts);
      parts.forEach(reader::position);
      byte[] value = Json.toBytes(command);
      try {
        producer()
            .send(new ProducerRecord<>(kafka.topics().commands(), command.runId(), value))
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RecordTooLargeException) {
          throw tooLarge(command, value.length);
        }
        throw e;
      }
      Instant deadline = Instant.now().plus(timeout);
      while (Instant.now().isBefore(deadline)) {
        for (ConsumerRecord<String, byte[]> r : reader.poll(POLL)) {
          Optional<RunEvent> e = decode(r);
          if (e.isPresent() && command.commandId().equals(commandIdOf(e.get()))) {
            return e.get();
          }
        }
      }
      throw new RetriableException(
          "no answer from the orchestrator to "
              + command.getClass().getSimpleName()
              + " for run "
              + command.runId()
              + " within "
              + timeout.toSeconds()
              + "s; is an orchestrator running against "
              + kafka.bootstrapServers()
              + "?");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PartitrainException("interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new RetriableException(
          "cannot send the command to " + kafka.bootstrapServers() + ": " + e.getMessage(), e);
    }
  }

  /** Bad input, not a broken broker: the command is larger than a record may be. */
  private static IllegalArgumentException tooLarge(RunCommand command, int bytes) {
    String what =
        command instanceof RunCommand.StartRun start
            ? "the start command of run "
                + start.runId()
                + " ("
                + start.partitions().size()
                + " partitions)"
            : "the " + command.getClass().getSimpleName() + " command";
    return new IllegalArgumentException(
        String.format(
            java.util.Locale.ROOT,
            "%s is %.1f MB, and the broker refused it even compressed: a record may be at most"
                + " %d MB after compression (the topics' max.message.bytes) and %d MB before"
                + " (max.request.size). Split the partition list into several runs, or shorten"
                + " the tags.",
            what,
            bytes / 1e6,
            io.partitrain.shared.kafka.TopicAdmin.MAX_MESSAGE_BYTES / (1024 * 1024),
            KafkaSettings.MAX_REQUEST_SIZE / (1024 * 1024)));
  }

  /**
   * A run folded from its decisions: summary, cancel, and with {@code withPartitions} each
   * partition's line. Empty when the run has published no state.
   */
  public Optional<RunHistory> history(String runId, boolean withPartitions) {
    RunHistory h = new RunHistory(runId, withPartitions);
    readAll(h::apply);
    return h.hasState() ? Optional.of(h) : Optional.empty();
  }

  /** Every run that published state, folded without partitions, by run id. */
  public Map<String, RunHistory> histories() {
    Map<String, RunHistory> out = new java.util.TreeMap<>();
    readAll(e -> out.computeIfAbsent(e.runId(), id -> new RunHistory(id, false)).apply(e));
    out.values().removeIf(h -> !h.hasState());
    return out;
  }

  /** The latest published summary of a run, read from the runs topic; empty if none. */
  public Optional<RunSummary> latest(String runId) {
    RunSummary[] latest = {null};
    readAll(
        e -> {
          if (e.runId().equals(runId)) {
            summaryOf(e).ifPresent(s -> latest[0] = s);
          }
        });
    return Optional.ofNullable(latest[0]);
  }

  /** Every decision recorded for a run, in order (snapshots left out). */
  public List<RunEvent> events(String runId) {
    List<RunEvent> out = new ArrayList<>();
    readAll(
        e -> {
          if (e.runId().equals(runId) && !(e instanceof RunEvent.RunSnapshot)) {
            out.add(e);
          }
        });
    return out;
  }

  /** The latest summary of every run. */
  public Map<String, RunSummary> all() {
    Map<String, RunSummary> out = new java.util.TreeMap<>();
    readAll(e -> summaryOf(e).ifPresent(s -> out.put(e.runId(), s)));
    return out;
  }

  /** Follows a run's published state, from its start, until {@code done} holds. */
  public RunSummary follow(
      String runId, Predicate<RunSummary> done, Consumer<RunSummary> progress, Duration timeout) {
    return follow(runId, Instant.EPOCH, done, progress, timeout);
  }

  /**
   * Follows a run's published state until {@code done} holds, calling {@code progress} with every
   * summary published at or after {@code since}.
   */
  public RunSummary follow(
      String runId,
      Instant since,
      Predicate<RunSummary> done,
      Consumer<RunSummary> progress,
      Duration timeout) {
    try (KafkaConsumer<String, byte[]> reader = reader()) {
      List<TopicPartition> parts = TopicReader.assignAll(reader, kafka.topics().runs());
      seekToTime(reader, parts, since);
      Instant deadline = Instant.now().plus(timeout);
      RunSummary last = null;
      while (Instant.now().isBefore(deadline)) {
        for (ConsumerRecord<String, byte[]> r : reader.poll(POLL)) {
          Optional<RunEvent> e = decode(r);
          if (e.isEmpty() || !runId.equals(e.get().runId()) || e.get().at().isBefore(since)) {
            continue;
          }
          Optional<RunSummary> s = summaryOf(e.get());
          if (s.isPresent()) {
            last = s.get();
            progress.accept(last);
            if (done.test(last)) {
              return last;
            }
          }
        }
      }
      throw new RetriableException(
          "run "
              + runId
              + " did not reach the awaited state within "
              + timeout.toSeconds()
              + "s"
              + (last == null ? " (no state published)" : "; last: " + last.byState()));
    }
  }

  /** Every event on the runs topic so far, in order (per partition). */
  public void forEachEvent(Consumer<RunEvent> sink) {
    readAll(sink);
  }

  private void readAll(Consumer<RunEvent> sink) {
    try (KafkaConsumer<String, byte[]> reader = reader()) {
      TopicReader.readAll(reader, kafka.topics().runs(), r -> decode(r).ifPresent(sink));
    }
  }

  /**
   * Skips what was written before {@code since} using the broker's time index, so that following
   * the tail of a long run does not decode its whole history. Record timestamps come from the
   * orchestrator's clock; a second of margin covers clock skew between it and this process.
   */
  private static void seekToTime(
      KafkaConsumer<String, byte[]> reader, List<TopicPartition> parts, Instant since) {
    if (since.equals(Instant.EPOCH)) {
      reader.seekToBeginning(parts);
      return;
    }
    long ts = Math.max(0, since.minusSeconds(1).toEpochMilli());
    Map<TopicPartition, Long> query = new java.util.HashMap<>();
    parts.forEach(p -> query.put(p, ts));
    Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndTimestamp> found =
        reader.offsetsForTimes(query);
    Map<TopicPartition, Long> end = reader.endOffsets(parts);
    for (TopicPartition p : parts) {
      var o = found.get(p);
      reader.seek(p, o == null ? end.get(p) : o.offset());
    }
  }

  private static Optional<RunSummary> summaryOf(RunEvent e) {
    if (e instanceof RunEvent.RunSnapshot s) {
      return Optional.of(s.summary());
    }
    if (e instanceof RunEvent.RunCompleted c) {
      return Optional.of(c.summary());
    }
    return Optional.empty();
  }

  private static String commandIdOf(RunEvent e) {
    return e instanceof RunEvent.Answer answer ? answer.commandId() : null;
  }

  private static Optional<RunEvent> decode(ConsumerRecord<String, byte[]> r) {
    try {
      return Optional.of(Json.read(r.value(), RunEvent.class));
    } catch (UnreadableMessageException e) {
      return Optional.empty();
    }
  }

  private KafkaConsumer<String, byte[]> reader() {
    return new KafkaConsumer<>(kafka.consumer(clientId + "-reader", null));
  }

  @Override
  public synchronized void close() {
    if (producer != null) {
      producer.close();
    }
  }
}
