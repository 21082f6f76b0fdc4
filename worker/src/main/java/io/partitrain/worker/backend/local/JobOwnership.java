package io.partitrain.worker.backend.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who starts a local job that waits for a slot: the backend instance that queued it (its owner,
 * named in the job folder's {@code owner} file), or, once that owner is gone or stalled, whichever
 * worker observes the job first. The {@code launched} marker, created atomically right before a
 * process starts, makes sure only one of them does, so taking a job over is always safe: an owner
 * that comes back finds the marker and only watches.
 *
 * <p>An owner is alive while its process runs, its instance is open, and it keeps its lease: a file
 * under {@code .owners/} in the jobs folder whose modification time it renews every third of {@link
 * LocalBackendConfig#ownerLease()}. The lease is what tells a stalled owner (a process stopped by
 * SIGSTOP, a frozen VM, a machine that swaps for minutes) from a live one: its process still
 * exists, so the process check alone would leave its queued jobs waiting for as long as the stall
 * lasts (ChaosIT seed 20261131 waited ten minutes with one partition QUEUED behind a stopped
 * worker). The biggest limitation: a job whose owner stalled between claiming the launch and
 * recording the process stays QUEUED until the owner resumes; that window is one {@code fork}.
 */
final class JobOwnership implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(JobOwnership.class);

  static final String OWNER_FILE = "owner";
  static final String LAUNCHED_FILE = "launched";

  /** Beside the job folders; job names start with a letter or digit, so it is never one. */
  static final String LEASES_DIR = ".owners";

  /** This JVM as a job owner: pid and start time, since pids are reused after a restart. */
  private static final String THIS_PROCESS =
      ProcessHandle.current().pid()
          + " "
          + ProcessHandle.current().info().startInstant().map(Instant::toEpochMilli).orElse(0L);

  /** Instances of this JVM that are open; a closed one's queued jobs may be taken over. */
  private static final Set<String> OPEN_INSTANCES = ConcurrentHashMap.newKeySet();

  /** What a queued job's owner is now. */
  enum Owner {
    /** Running and renewing its lease: it starts the job when a slot frees. */
    ALIVE,
    /** Its process exists but its lease ran out (stopped, frozen): the job may be taken over. */
    STALLED,
    /** Closed, its process gone, or never named: the job may be taken over. */
    GONE
  }

  private final String instanceId = UUID.randomUUID().toString();
  private final Path leases;
  private final Path leaseFile;
  private final Duration lease;
  private final Clock clock;
  private final ScheduledExecutorService renewer;

  JobOwnership(Path jobsRoot, Duration lease, Clock clock) {
    this.leases = jobsRoot.resolve(LEASES_DIR);
    this.leaseFile = leases.resolve(instanceId);
    this.lease = lease;
    this.clock = clock;
    try {
      Files.createDirectories(leases);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the owners' lease folder " + leases, e);
    }
    renew();
    OPEN_INSTANCES.add(instanceId);
    this.renewer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "local-lease-" + instanceId.substring(0, 8));
              t.setDaemon(true);
              return t;
            });
    long every = Math.max(1, lease.toMillis() / 3);
    renewer.scheduleWithFixedDelay(this::safeRenew, every, every, TimeUnit.MILLISECONDS);
  }

  /** Names this instance as the job's owner (the job was queued here). */
  void own(Path dir) throws IOException {
    Path tmp = dir.resolve(OWNER_FILE + ".tmp-" + Thread.currentThread().getId());
    Files.writeString(tmp, THIS_PROCESS + " " + instanceId);
    Files.move(
        tmp,
        dir.resolve(OWNER_FILE),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  /** Creates the {@code launched} marker; false if another worker created it first. */
  static boolean claimLaunch(Path dir) {
    try {
      Files.createFile(dir.resolve(LAUNCHED_FILE));
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir.resolve(LAUNCHED_FILE), e);
    }
  }

  static boolean launched(Path dir) {
    return Files.exists(dir.resolve(LAUNCHED_FILE));
  }

  /** When the launch was claimed (the marker's time), if it was. */
  static Instant launchedAt(Path dir) {
    try {
      return Files.getLastModifiedTime(dir.resolve(LAUNCHED_FILE)).toInstant();
    } catch (IOException e) {
      return null;
    }
  }

  /** The owner of the job in {@code dir}, as this instance sees it now. */
  Owner ownerOf(Path dir) {
    String owner;
    try {
      owner = Files.readString(dir.resolve(OWNER_FILE)).trim();
    } catch (NoSuchFileException e) {
      return Owner.GONE;
    } catch (IOException e) {
      return Owner.ALIVE; // cannot tell now; the next observation asks again
    }
    String[] parts = owner.split(" ");
    if (parts.length != 3) {
      return Owner.GONE;
    }
    if (!processRuns(parts[0], parts[1], parts[2])) {
      return Owner.GONE;
    }
    return leaseHeld(parts[2]) ? Owner.ALIVE : Owner.STALLED;
  }

  private static boolean processRuns(String pidText, String startedText, String instance) {
    if ((pidText + " " + startedText).equals(THIS_PROCESS)) {
      return OPEN_INSTANCES.contains(instance);
    }
    long pid;
    long started;
    try {
      pid = Long.parseLong(pidText);
      started = Long.parseLong(startedText);
    } catch (NumberFormatException e) {
      return false;
    }
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .map(ph -> ph.info().startInstant().map(i -> i.toEpochMilli() == started).orElse(true))
        .orElse(false);
  }

  private boolean leaseHeld(String instance) {
    if (!instance.matches("[0-9a-f-]{36}")) {
      return false;
    }
    try {
      Instant renewed = Files.getLastModifiedTime(leases.resolve(instance)).toInstant();
      return !clock.instant().isAfter(renewed.plus(lease));
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      return true; // cannot tell now
    }
  }

  private void renew() {
    try {
      if (!Files.exists(leaseFile)) {
        Files.writeString(leaseFile, THIS_PROCESS);
      }
      Files.setLastModifiedTime(leaseFile, FileTime.from(clock.instant()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot renew the owner lease " + leaseFile, e);
    }
  }

  private void safeRenew() {
    try {
      renew();
    } catch (RuntimeException e) {
      // Another worker may take this instance's queued jobs over; the launch marker keeps that
      // safe, so a failed renewal is worth a warning, not a failure.
      log.warn("{}; queued jobs of this worker may be started by another", e.getMessage());
    }
  }

  /** Gives the queued jobs up: they may be taken over at once. */
  @Override
  public void close() {
    OPEN_INSTANCES.remove(instanceId);
    renewer.shutdownNow();
    try {
      Files.deleteIfExists(leaseFile);
    } catch (IOException e) {
      log.debug("cannot delete the owner lease {}: {}", leaseFile, e.getMessage());
    }
  }
}
