package io.partitrain.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What jobs really ran, from the marker lines they write themselves: one file per partition, a line
 * {@code S JOB_NAME EPOCH_MS} when a job starts and {@code E JOB_NAME EPOCH_MS} when it ends. The
 * ground truth of the chaos tests, read on the backend's side of the system.
 *
 * @param spans each job's [start, end] in epoch ms (-1: not written)
 * @param partitions per partition file, the jobs that ran for it
 * @param twice jobs that wrote a start (or an end) more than once: started twice
 */
record JobMarks(
    Map<String, long[]> spans, Map<String, List<String>> partitions, List<String> twice) {

  static JobMarks read(Path dir) throws IOException {
    Map<String, long[]> spans = new HashMap<>();
    Map<String, List<String>> partitions = new HashMap<>();
    List<String> twice = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        List<String> jobs = new ArrayList<>();
        for (String line : Files.readAllLines(f)) {
          String[] p = line.split(" ");
          long[] span =
              spans.computeIfAbsent(
                  p[1],
                  k -> {
                    jobs.add(k);
                    return new long[] {-1, -1};
                  });
          int slot = p[0].equals("S") ? 0 : 1;
          if (span[slot] != -1) {
            twice.add(p[1]);
          }
          span[slot] = Long.parseLong(p[2]);
        }
        partitions.put(f.getFileName().toString(), jobs);
      }
    }
    return new JobMarks(spans, partitions, twice);
  }

  /** The most executions whose [start, end] intervals overlap at one instant. */
  static int maxConcurrent(Iterable<long[]> spans) {
    TreeMap<Long, Integer> deltas = new TreeMap<>();
    for (long[] s : spans) {
      deltas.merge(s[0], 1, Integer::sum);
      // The end is exclusive: a job that ended at t frees its node for one starting at t.
      deltas.merge(s[1] == -1 ? Long.MAX_VALUE : s[1], -1, Integer::sum);
    }
    int now = 0;
    int max = 0;
    for (int d : deltas.values()) {
      now += d;
      max = Math.max(max, now);
    }
    return max;
  }
}
