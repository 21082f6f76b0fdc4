package io.partitrain.worker.backend.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.shared.serde.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of a local job folder and how they are read and written. Any worker on the machine may
 * read them while another writes, so each write is atomic (a temporary file renamed over the old
 * one), and a file that is missing or unreadable reads as empty: the next observation reads again.
 * The wrapper's {@code exit_code} is described by {@link JobWrapper}, the {@code owner} and {@code
 * launched} markers by {@link JobOwnership}.
 */
final class JobFolderFiles {

  private static final Logger log = LoggerFactory.getLogger(JobFolderFiles.class);

  static final String STATE_FILE = "state.json";
  static final String SPEC_FILE = "job.json";
  static final String LOG_FILE = "user_logs/std_log.txt";
  static final String COMMAND_FILE = "command.sh";
  static final String CANCEL_FILE = "cancel_requested";

  private JobFolderFiles() {}

  static Optional<LocalJobState> readState(Path dir) {
    Path f = dir.resolve(STATE_FILE);
    if (!Files.isRegularFile(f)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Json.mapper().readValue(f.toFile(), LocalJobState.class));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  static void writeState(Path dir, LocalJobState state) {
    Path tmp = dir.resolve(STATE_FILE + ".tmp-" + Thread.currentThread().getId());
    try {
      Files.write(tmp, Json.toBytes(state));
      Files.move(
          tmp,
          dir.resolve(STATE_FILE),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(STATE_FILE), e);
    }
  }

  static Optional<JobSpec> specOf(Path dir) {
    try {
      return Optional.of(Json.mapper().readValue(dir.resolve(SPEC_FILE).toFile(), JobSpec.class));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Writes job.json atomically, so a concurrent submission never reads half a definition. */
  static void writeSpec(Path dir, JobSpec spec) {
    try {
      Path tmp = dir.resolve(SPEC_FILE + ".tmp");
      Files.writeString(tmp, Json.toPrettyString(spec));
      Files.move(tmp, dir.resolve(SPEC_FILE), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new JobSetupException(
          FailureClass.INFRA, "cannot write " + SPEC_FILE + ": " + e.getMessage());
    }
  }

  /** Writes a job folder file atomically; a failure is the job's setup failing (INFRA). */
  static void writeFile(Path file, String text) {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp-" + Thread.currentThread().getId());
    try {
      Files.writeString(tmp, text);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new JobSetupException(
          FailureClass.INFRA, "cannot write " + file + ": " + e.getMessage());
    }
  }

  static boolean cancelRequested(Path dir) {
    return Files.exists(dir.resolve(CANCEL_FILE));
  }

  /** The numbers of every {@code outputs/NAME/metrics.json}; what cannot be read is left out. */
  static Map<String, Double> readMetrics(Path dir) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    Path outputs = dir.resolve("outputs");
    if (!Files.isDirectory(outputs)) {
      return metrics;
    }
    try (Stream<Path> files = Files.list(outputs)) {
      for (Path f :
          (Iterable<Path>)
              files.map(o -> o.resolve("metrics.json")).filter(Files::isRegularFile)::iterator) {
        JsonNode node = Json.mapper().readTree(f.toFile());
        node.fields()
            .forEachRemaining(
                e -> {
                  if (e.getValue().isNumber()) {
                    metrics.put(e.getKey(), e.getValue().asDouble());
                  }
                });
      }
    } catch (IOException e) {
      log.warn("cannot read metrics of {}: {}", dir.getFileName(), e.getMessage());
    }
    return metrics;
  }
}
