package io.partitrain.worker.backend.local;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a job folder comes into being: laid out complete in a staging folder beside the jobs, then
 * renamed into place in one step. A job folder therefore either does not exist or holds its whole
 * definition (job.json, command, owner, state): a submitter stopped or killed half-way leaves
 * nothing another worker could mistake for a job, and the next submission of the item creates the
 * job itself. Before this, the folder was created first and filled after; a worker stopped between
 * the two left a folder without a definition that nobody could start or fail, and its partition
 * stayed QUEUED for as long as the stop lasted (ChaosIT seed 20261131, trial 3).
 *
 * <p>The rename is the claim: two submissions of one name both stage, one rename wins, and the
 * other finds the folder and adopts it (same definition) or refuses it (another one).
 */
final class JobFolders {

  private static final Logger log = LoggerFactory.getLogger(JobFolders.class);

  /** Beside the job folders, on the same file system so the rename is atomic. */
  static final String STAGING_DIR = ".staging";

  /** Staging folders older than this were left by a submitter that died; removed at start-up. */
  static final Duration ABANDONED_STAGING = Duration.ofHours(1);

  private JobFolders() {}

  /** A fresh staging folder for a job of this name. */
  static Path stage(Path jobsRoot, String jobName) throws IOException {
    Path staging = jobsRoot.resolve(STAGING_DIR);
    Files.createDirectories(staging);
    return Files.createDirectory(staging.resolve(jobName + "." + UUID.randomUUID()));
  }

  /**
   * Renames the staged folder to the job's folder.
   *
   * @return false when the job's folder exists already (another submission won): the staged copy is
   *     removed
   */
  static boolean publish(Path staged, Path dir) throws IOException {
    try {
      Files.move(staged, dir, StandardCopyOption.ATOMIC_MOVE);
      return true;
    } catch (FileSystemException e) {
      // rename(2) onto a job folder refuses with ENOTEMPTY, which Java reports as a plain
      // FileSystemException ("Directory not empty"), not as DirectoryNotEmptyException.
      if (!Files.exists(dir)) {
        throw e;
      }
      deleteTree(staged);
      return false;
    }
  }

  /** Removes what submitters that died while staging left behind. */
  static void removeAbandonedStaging(Path jobsRoot, Instant now) {
    Path staging = jobsRoot.resolve(STAGING_DIR);
    if (!Files.isDirectory(staging)) {
      return;
    }
    try (Stream<Path> entries = Files.list(staging)) {
      for (Path p : (Iterable<Path>) entries::iterator) {
        if (Files.getLastModifiedTime(p).toInstant().plus(ABANDONED_STAGING).isBefore(now)) {
          deleteTree(p);
        }
      }
    } catch (IOException e) {
      log.debug("cannot tidy the staging folder {}: {}", staging, e.getMessage());
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
