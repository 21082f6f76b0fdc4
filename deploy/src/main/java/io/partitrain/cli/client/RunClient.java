package io.partitrain.cli.client;

import io.partitrain.orchestrator.console.view.FinalSnapshots;
import io.partitrain.orchestrator.console.view.ScheduleView;
import io.partitrain.orchestrator.console.view.SchedulesFold;
import io.partitrain.shared.PartitrainException;
import io.partitrain.shared.RetriableException;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.contracts.StateSnapshot;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.kafka.KeyedReads;
import io.partitrain.shared.kafka.RunSnapshotParts;
import io.partitrain.shared.kafka.StartCommandWriter;
import io.partitrain.shared.kafka.TopicReader;
import io.partitrain.shared.serde.Json;
import io.partitrain.shared.serde.UnreadableMessageException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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

  /** How long {@link #follow} goes without a new summary before it reads the run's latest. */
  static final Duration RECHECK = Duration.ofSeconds(5);

  /**
   * How far before a run's start time its records may carry an earlier timestamp: record times come
   * from the orchestrator's system clock, event times from its (injectable) clock.
   */
  static final Duration CLOCK_MARGIN = Duration.ofHours(1);

  private final KafkaSettings kafka;
  private final String clientId;
  private final int startPartBytes;
  private KafkaProducer<String, byte[]> producer;

  public RunClient(KafkaSettings kafka, String clientId) {
    this(kafka, clientId, StartCommandWriter.DEFAULT_PART_BYTES);
  }

  /**
   * A client whose start commands travel in parts of at most {@code startPartBytes} of partitions
   * each when they do not fit in one (tests lower it to send a small start in parts).
   */
  public RunClient(KafkaSettings kafka, String clientId, int startPartBytes) {
    if (startPartBytes <= 0) {
      throw new IllegalArgumentException(
          "startPartBytes must be greater than 0, but was " + startPartBytes);
    }
    this.kafka = kafka;
    this.clientId = clientId;
    this.startPartBytes = startPartBytes;
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
      RunCommand sent = command;
      try {
        if (command instanceof RunCommand.StartRun start) {
          // A start too large for one record travels in parts (StartCommandWriter).
          sent =
              StartCommandWriter.send(
                  producer(), kafka.topics().commands(), start, startPartBytes, timeout);
        } else {
          producer()
              .send(
                  new ProducerRecord<>(
                      kafka.topics().commands(), command.runId(), Json.toBytes(command)))
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RecordTooLargeException) {
          throw tooLarge(sent, Json.toBytes(sent).length);
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

  /** The decisions a run's line needs (outcome, start, end, counts); the rest is not decoded. */
  /** What a run's headline shows: start, cancel, summary, and the warnings `run show` prints. */
  private static final Set<String> HEADLINE =
      Set.of(
          RunEvent.RunStarted.class.getSimpleName(),
          RunEvent.CancelAccepted.class.getSimpleName(),
          RunEvent.RunSnapshot.class.getSimpleName(),
          RunEvent.RunCompleted.class.getSimpleName(),
          RunEvent.ComputeCapacityWarning.class.getSimpleName(),
          RunEvent.DeadlineAtRisk.class.getSimpleName());

  private static final Set<String> SUMMARIES =
      Set.of(
          RunEvent.RunSnapshot.class.getSimpleName(), RunEvent.RunCompleted.class.getSimpleName());

  /** Bad input, not a broken broker: the command is larger than a record may be. */
  private static IllegalArgumentException tooLarge(RunCommand command, int bytes) {
    String what =
        command instanceof RunCommand.StartRun start
            ? "the start command of run "
                + start.runId()
                + " ("
                + start.partitions().size()
                + " partitions)"
            : command instanceof RunCommand.StartRunInParts head
                ? "the start command of run "
                    + head.runId()
                    + " without its partitions (sent in "
                    + head.partOffsets().size()
                    + " parts)"
                : "the " + command.getClass().getSimpleName() + " command";
    return new IllegalArgumentException(
        String.format(
            java.util.Locale.ROOT,
            "%s is %.1f MB, and the broker refused it even compressed: a record may be at most"
                + " %d MB after compression (the topics' max.message.bytes) and %d MB before"
                + " (max.request.size). A start's partitions travel in parts, so what is too"
                + " large is the plan's definition: shorten the job template.",
            what,
            bytes / 1e6,
            io.partitrain.shared.kafka.TopicAdmin.MAX_MESSAGE_BYTES / (1024 * 1024),
            KafkaSettings.MAX_REQUEST_SIZE / (1024 * 1024)));
  }

  /**
   * A run folded from its decisions: summary, cancel, and with {@code withPartitions} each
   * partition's line. Empty when the run has published no state. Reads only the run's own records
   * ({@link KeyedReads}).
   */
  public Optional<RunHistory> history(String runId, boolean withPartitions) {
    RunHistory h = new RunHistory(runId, withPartitions);
    readRun(runId, withPartitions ? null : HEADLINE, h::apply);
    if (h.hasState()) {
      return Optional.of(h);
    }
    return finalSnapshot(runId).map(s -> RunHistory.fromFinalSnapshot(s, withPartitions));
  }

  /**
   * A finished run's final snapshot on the state topic (it outlives the run's events on the runs
   * topic); empty if there is none, or if the latest record of the run's key is a tombstone.
   */
  public Optional<StateSnapshot.Run> finalSnapshot(String runId) {
    String key = StateSnapshot.runKey(runId);
    Map<String, ConsumerRecord<String, byte[]>> latest = new java.util.HashMap<>();
    try (KafkaConsumer<String, byte[]> reader = reader()) {
      // The run's record, and the parts of a run too large for one (on the same partition).
      KeyedReads.readKeys(
          reader,
          kafka.topics().state(),
          key,
          k -> k.equals(key) || k.startsWith(StateSnapshot.runPartsPrefix(runId)),
          r -> latest.put(r.key(), r));
    }
    ConsumerRecord<String, byte[]> head = latest.get(key);
    Optional<StateSnapshot.Run> run =
        head == null ? Optional.empty() : FinalSnapshots.finalRun(head);
    if (run.isEmpty()) {
      return run;
    }
    try {
      return Optional.of(
          RunSnapshotParts.assemble(
              run.get(),
              i -> {
                ConsumerRecord<String, byte[]> part =
                    latest.get(StateSnapshot.runPartKey(runId, i));
                return decodeState(part == null ? null : part.value());
              }));
    } catch (PartitrainException e) {
      return Optional.empty();
    }
  }

  /** Every finished run's final snapshot on the state topic, by run id. */
  private Map<String, StateSnapshot.Run> finalSnapshots() {
    Map<String, ConsumerRecord<String, byte[]>> latest = new java.util.HashMap<>();
    try (KafkaConsumer<String, byte[]> reader = reader()) {
      TopicReader.readAll(
          reader,
          kafka.topics().state(),
          r -> {
            if (FinalSnapshots.runIdOf(r.key()) != null) {
              latest.put(r.key(), r);
            }
          });
    }
    Map<String, StateSnapshot.Run> out = new java.util.TreeMap<>();
    latest.values().forEach(r -> FinalSnapshots.finalRun(r).ifPresent(s -> out.put(s.runId(), s)));
    return out;
  }

  /**
   * Every schedule, as the console lists it ({@link SchedulesFold}): the state topic's schedule
   * snapshots as the base, then the runs topic's schedule events after them. A schedule whose
   * {@code ScheduleApplied} is past the runs topic's retention is still listed.
   */
  public List<ScheduleView> schedules() {
    SchedulesFold fold = new SchedulesFold();
    try (KafkaConsumer<String, byte[]> reader = reader()) {
      Map<String, ConsumerRecord<String, byte[]>> latest = new java.util.HashMap<>();
      TopicReader.readAll(
          reader,
          kafka.topics().state(),
          r -> {
            if (FinalSnapshots.planOf(r.key()) != null) {
              latest.put(r.key(), r);
            }
          });
      latest
          .values()
          .forEach(
              r ->
                  FinalSnapshots.schedule(r)
                      .ifPresent(snap -> fold.apply(snap, FinalSnapshots.covered(r))));
      TopicReader.readAll(
          reader,
          kafka.topics().runs(),
          r ->
              decode(r)
                  .ifPresent(
                      e ->
                          RunEvent.unbatched(e)
                              .forEach(one -> fold.apply(one, r.partition(), r.offset()))));
    }
    return fold.views();
  }

  private static StateSnapshot decodeState(byte[] value) {
    try {
      return value == null ? null : Json.read(value, StateSnapshot.class);
    } catch (UnreadableMessageException e) {
      return null;
    }
  }

  /**
   * Every run that published state, folded without partitions, by run id. Only the records a run's
   * line needs are decoded: its start, its last cancel and its last summary.
   */
  public Map<String, RunHistory> histories() {
    return histories(Instant.EPOCH);
  }

  /**
   * Every run that started at or after {@code startedFrom}, as {@link #histories()}. The read
   * starts at the broker's time index for that time (less {@link #CLOCK_MARGIN}): a run's records
   * all come after its start, so older history is not even fetched.
   */
  public Map<String, RunHistory> histories(Instant startedFrom) {
    Map<String, Headline> heads = new java.util.HashMap<>();
    readHeadlines(HEADLINE, startedFrom, heads);
    Map<String, RunHistory> out = new java.util.TreeMap<>();
    for (Headline head : heads.values()) {
      head.decoded()
          .forEach(e -> out.computeIfAbsent(e.runId(), id -> new RunHistory(id, false)).apply(e));
    }
    // Finished runs whose decisions aged out of the runs topic: their final snapshots.
    finalSnapshots()
        .forEach(
            (id, s) -> {
              if (!out.containsKey(id) || !out.get(id).hasState()) {
                out.put(id, RunHistory.fromFinalSnapshot(s, false));
              }
            });
    // The read began up to CLOCK_MARGIN early: runs that started before the time, or whose start
    // was not read at all (their summary tells when they started), are not asked for.
    out.values()
        .removeIf(
            h -> !h.hasState() || (h.startedAt() != null && h.startedAt().isBefore(startedFrom)));
    return out;
  }

  /** The latest published summary of a run, read from the runs topic; empty if none. */
  public Optional<RunSummary> latest(String runId) {
    RunSummary[] latest = {null};
    readRun(runId, SUMMARIES, e -> summaryOf(e).ifPresent(s -> latest[0] = s));
    return Optional.ofNullable(latest[0]);
  }

  /** Every decision recorded for a run, in order (snapshots left out). */
  public List<RunEvent> events(String runId) {
    List<RunEvent> out = new ArrayList<>();
    readRun(
        runId,
        null,
        e -> {
          if (!(e instanceof RunEvent.RunSnapshot)) {
            out.add(e);
          }
        });
    return out;
  }

  /** The latest summary of every run. */
  public Map<String, RunSummary> all() {
    Map<String, Headline> heads = new java.util.HashMap<>();
    readHeadlines(SUMMARIES, Instant.EPOCH, heads);
    Map<String, RunSummary> out = new java.util.TreeMap<>();
    for (Headline head : heads.values()) {
      head.decoded().forEach(e -> summaryOf(e).ifPresent(s -> out.put(e.runId(), s)));
    }
    return out;
  }

  /** A run's records of the wanted types (all when null), decoded, in order. */
  private void readRun(String runId, Set<String> types, Consumer<RunEvent> sink) {
    try (KafkaConsumer<String, byte[]> reader = reader()) {
      KeyedReads.readKey(
          reader,
          kafka.topics().runs(),
          runId,
          r -> {
            String type = KeyedReads.typeOf(r.value());
            if (types == null || type == null || types.contains(type)) {
              decode(r)
                  .filter(e -> runId.equals(e.runId()))
                  .ifPresent(e -> RunEvent.unbatched(e).forEach(sink));
            }
          });
    }
  }

  /** The whole runs topic, keeping per key only the last record of each wanted type, undecoded. */
  private void readHeadlines(Set<String> types, Instant from, Map<String, Headline> heads) {
    try (KafkaConsumer<String, byte[]> reader = reader()) {
      List<TopicPartition> parts = TopicReader.assignAll(reader, kafka.topics().runs());
      seekToTime(reader, parts, from.equals(Instant.EPOCH) ? from : from.minus(CLOCK_MARGIN));
      TopicReader.readToEnd(
          reader,
          parts,
          r -> {
            String type = KeyedReads.typeOf(r.value());
            if (type == null || types.contains(type)) {
              heads.computeIfAbsent(String.valueOf(r.key()), k -> new Headline()).keep(type, r);
            }
          },
          () -> false);
    }
  }

  /**
   * The records of one key that a run's line needs, in the fold's terms: the last start, the last
   * cancel after it, the last summary; a record whose type could not be read from its first bytes
   * is kept whole (decoded and applied in order).
   */
  private static final class Headline {
    private final Map<String, ConsumerRecord<String, byte[]>> last = new java.util.HashMap<>();
    private final List<ConsumerRecord<String, byte[]>> unknown = new ArrayList<>();

    void keep(String type, ConsumerRecord<String, byte[]> r) {
      if (type == null) {
        unknown.add(r);
        return;
      }
      String slot = SUMMARIES.contains(type) ? "summary" : type;
      if (type.equals(RunEvent.RunStarted.class.getSimpleName())) {
        last.remove(RunEvent.CancelAccepted.class.getSimpleName());
      }
      last.put(slot, r);
    }

    /** The kept records decoded, in their order on the topic. */
    List<RunEvent> decoded() {
      List<ConsumerRecord<String, byte[]>> records = new ArrayList<>(last.values());
      records.addAll(unknown);
      records.sort(java.util.Comparator.comparingLong(ConsumerRecord::offset));
      List<RunEvent> out = new ArrayList<>();
      records.forEach(r -> decode(r).ifPresent(out::add));
      return out;
    }
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
      Instant recheck = Instant.now().plus(RECHECK);
      RunSummary last = null;
      while (Instant.now().isBefore(deadline)) {
        if (Instant.now().isAfter(recheck)) {
          // A summary decided before `since` but committed after the caller's own read (the
          // orchestrator commits a window of decisions up to a few hundred ms after deciding them)
          // is skipped by the seek and the filter below: `run wait` then waited for ever on a run
          // that had completed. The run's latest committed summary tells.
          Optional<RunSummary> latest = latest(runId);
          if (latest.isPresent() && done.test(latest.get())) {
            progress.accept(latest.get());
            return latest.get();
          }
          recheck = Instant.now().plus(RECHECK);
        }
        for (ConsumerRecord<String, byte[]> r : reader.poll(POLL)) {
          if (!runId.equals(r.key())) {
            continue; // another run's record: not worth decoding
          }
          String type = KeyedReads.typeOf(r.value());
          if (type != null && !SUMMARIES.contains(type)) {
            // A batch of moves or a decision: no summary in it. Decoding every one of them cost
            // `partitrain bench` a share of the CPU it measures (the moves of 10,000 partitions).
            continue;
          }
          Optional<RunEvent> e = decode(r);
          if (e.isEmpty() || !runId.equals(e.get().runId()) || e.get().at().isBefore(since)) {
            continue;
          }
          Optional<RunSummary> s = summaryOf(e.get());
          if (s.isPresent()) {
            last = s.get();
            recheck = Instant.now().plus(RECHECK);
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
