package io.partitrain.shared.kafka;

import io.partitrain.shared.PartitrainException;
import io.partitrain.shared.contracts.StateSnapshot;
import io.partitrain.shared.contracts.StateSnapshot.Partition;
import io.partitrain.shared.contracts.StateSnapshot.Run;
import io.partitrain.shared.contracts.StateSnapshot.RunPart;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A run's snapshot as state-topic records: one {@link Run} record when its partitions fit in {@link
 * #DEFAULT_PART_BYTES} of JSON, else a {@link Run} without partitions and {@link RunPart}s of at
 * most that many bytes each (a run of a million partitions is a few hundred megabytes of JSON,
 * where a record may be 8 MiB after compression and 32 MiB before). The writer puts them in one
 * transaction, so a {@code read_committed} reader sees all of them or none; {@link #assemble} puts
 * them back together.
 */
public final class RunSnapshotParts {

  /** A part's partitions at most this many bytes of JSON (4 MiB): half the topic's record limit. */
  public static final int DEFAULT_PART_BYTES = 4 * 1024 * 1024;

  private RunSnapshotParts() {}

  /**
   * The records of {@code run}: {@code run} itself when its partitions fit in {@code partBytes};
   * else its head ({@link Run#partitionParts} set, no partitions) followed by its parts.
   */
  public static List<StateSnapshot> split(Run run, int partBytes) {
    List<List<Partition>> chunks = JsonChunks.of(run.partitions(), partBytes);
    if (chunks.size() == 1) {
      return List.of(run);
    }
    List<StateSnapshot> out = new ArrayList<>(chunks.size() + 1);
    out.add(run.withPartitions(List.of(), chunks.size()));
    for (int i = 0; i < chunks.size(); i++) {
      out.add(
          new RunPart(run.schemaVersion(), run.runId(), i, chunks.size(), chunks.get(i), run.at()));
    }
    return out;
  }

  /**
   * The whole snapshot {@code head} names: itself when it holds its partitions, else with the
   * partitions of its parts ({@code partAt.apply(i)}: the latest record keyed {@link
   * StateSnapshot#runPartKey}, null if none).
   *
   * @throws PartitrainException naming the part when one is missing or from another snapshot
   */
  public static Run assemble(Run head, IntFunction<StateSnapshot> partAt) {
    Integer parts = head.partitionParts();
    if (parts == null) {
      return head;
    }
    List<Partition> all = new ArrayList<>();
    for (int i = 0; i < parts; i++) {
      StateSnapshot s = partAt.apply(i);
      String key = StateSnapshot.runPartKey(head.runId(), i);
      if (!(s instanceof RunPart part)) {
        throw new PartitrainException(
            "the snapshot of run "
                + head.runId()
                + " at "
                + head.at()
                + " has "
                + parts
                + " parts, but "
                + key
                + " is "
                + (s == null ? "missing" : "a " + s.getClass().getSimpleName())
                + "; a snapshot's parts are written with it, in one transaction");
      }
      if (!head.at().equals(part.at()) || part.index() != i || part.parts() != parts) {
        throw new PartitrainException(
            "the snapshot of run "
                + head.runId()
                + " at "
                + head.at()
                + " has "
                + parts
                + " parts, but "
                + key
                + " is part "
                + part.index()
                + " of "
                + part.parts()
                + " of the snapshot at "
                + part.at()
                + "; a snapshot's parts carry its time");
      }
      all.addAll(part.partitions());
    }
    return head.withPartitions(all, null);
  }
}
