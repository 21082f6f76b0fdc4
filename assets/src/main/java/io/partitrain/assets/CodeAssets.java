package io.partitrain.assets;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ParallelTransferOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.partitrain.assets.AssetResolver.AssetKind;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local code folders become code versions once per content: {@link CodeSnapshot} hashes the folder
 * as the CLI does; {@code GET codes/{name}/versions?hash=} finds a version with that content (the
 * name is the hash's UUID, so every worker and every run looks in the same place); if there is
 * none, {@code POST .../startPendingUpload} hands out a SAS blob reference, the files go up with
 * azure-storage-blob (files and blocks in parallel, a progress line for large folders), and {@code
 * PUT codes/{name}/versions/1} registers the version with its {@code codeUri} and hash.
 *
 * <p>Several workers starting at once upload once: before uploading, a worker creates a claim blob
 * next to the upload with "create only if absent" semantics; the others see the claim and wait for
 * the version to appear (taking over if it does not within {@link #CLAIM_WAIT}). Inside a process
 * the answer is remembered per run and folder, so a run's partitions all use the same version and
 * ask ARM nothing after the first.
 */
public final class CodeAssets implements LocalUploads {

  private static final Logger LOG = LoggerFactory.getLogger(CodeAssets.class);
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** The version every content-named code asset gets (the name already says what it holds). */
  public static final String VERSION = "1";

  /** How long a worker waits for another worker's upload before doing it itself. */
  public static final Duration CLAIM_WAIT = Duration.ofMinutes(10);

  /** Folders at least this large print a progress line every tenth of the way. */
  public static final long PROGRESS_BYTES = 8L << 20;

  private static final long BLOCK_BYTES = 4L << 20;
  private static final int PARALLEL_FILES = 4;

  private final ArmCalls transport;
  private final AssetPaths paths;
  private final Clock clock;
  private final String who;
  private final Map<String, String> byRunAndFolder = new ConcurrentHashMap<>();
  private final Map<String, String> byHash = new ConcurrentHashMap<>();
  private final DataUploads data;
  private final BlobAccess blobs;

  /**
   * @param blobs how to reach blob storage (identity, HTTP client, an emulator's endpoint)
   */
  public CodeAssets(
      ArmCalls transport, AssetPaths paths, Clock clock, String who, BlobAccess blobs) {
    this.transport = transport;
    this.paths = paths;
    this.clock = clock;
    this.who = who;
    this.blobs = blobs;
    this.data = new DataUploads(transport, paths, clock, who, blobs);
  }

  @Override
  public String dataUri(String runId, String field, Path path) {
    return data.dataUri(runId, field, path);
  }

  @Override
  public String buildContextUri(String runId, String field, Path folder) {
    return data.blobUrl(runId, field, folder);
  }

  @Override
  public String codeVersionId(String runId, Path folder) {
    return byRunAndFolder.computeIfAbsent(
        runId + "\u0000" + folder, k -> forContent(CodeSnapshot.of("code", folder)));
  }

  /** The version holding this content: found by hash, else uploaded and registered. */
  String forContent(CodeSnapshot s) {
    return byHash.computeIfAbsent(s.hash(), h -> getOrCreate(s));
  }

  private String getOrCreate(CodeSnapshot s) {
    String name = s.assetName();
    String found = findByHash(name, s.hash());
    if (found != null) {
      LOG.info("code {} ({}) already in the workspace: {}", s.root(), s.hash(), found);
      return found;
    }
    JsonNode ref = startPendingUpload(name, s.hash());
    String blobUri = ref.path("blobUri").asText(null);
    String sasUri = ref.at("/credential/sasUri").asText(null);
    if (blobUri == null || sasUri == null) {
      throw new ArmCallException(
          ArmCallException.Kind.REFUSED,
          200,
          "startPendingUpload for code " + name + " answered no blob reference",
          null,
          null);
    }
    requireStorageUrl(blobUri);
    requireStorageUrl(sasUri);
    BlobContainerClient container = blobs.container(sasUri).buildClient();
    String prefix = blobPath(blobUri, container.getBlobContainerName());
    if (claim(container, prefix)) {
      upload(container, prefix, s, blobUri);
      return register(name, s, blobUri);
    }
    String other = awaitOtherUpload(name);
    if (other != null) {
      return other;
    }
    LOG.warn(
        "code {} ({}): another worker claimed the upload {} ago and no version appeared; "
            + "uploading it here",
        s.root(),
        s.hash(),
        CLAIM_WAIT);
    upload(container, prefix, s, blobUri);
    return register(name, s, blobUri);
  }

  private String findByHash(String name, String hash) {
    ArmResponse r =
        transport.execute(
            new ArmRequest(
                "code.find",
                "GET",
                paths.codeVersionsByHashUrl(name, hash, CodeSnapshot.HASH_VERSION),
                null));
    if (r.status() == 404) {
      return null;
    }
    if (r.status() != 200) {
      throw refused("looking up code " + name + " by hash answered " + r.status(), r);
    }
    for (JsonNode v : r.body().path("value")) {
      if (hash.equals(v.at("/properties/properties/hash_sha256").asText(null))
          && v.hasNonNull("id")) {
        return v.get("id").asText();
      }
    }
    return null;
  }

  private JsonNode startPendingUpload(String name, String hash) {
    ObjectNode body = F.objectNode();
    body.put("pendingUploadId", hash);
    body.put("pendingUploadType", "TemporaryBlobReference");
    ArmResponse r =
        transport.execute(
            new ArmRequest(
                "code.startPendingUpload",
                "POST",
                paths.codeStartPendingUploadUrl(name, VERSION),
                body));
    if (r.status() != 200) {
      throw refused("startPendingUpload for code " + name + " answered " + r.status(), r);
    }
    return r.body().path("blobReferenceForConsumption");
  }

  /** True when this worker is the one to upload (it created the claim, now or before). */
  private boolean claim(BlobContainerClient container, String prefix) {
    return claim(container, claimName(prefix), who, clock);
  }

  /**
   * Creates {@code blobName} only if absent ("If-None-Match: *"): true for the worker that created
   * it, now or in an earlier try that failed half-way (the claim names {@code who}).
   */
  static boolean claim(BlobContainerClient container, String blobName, String who, Clock clock) {
    BlockBlobClient claim = container.getBlobClient(blobName).getBlockBlobClient();
    try {
      claim.upload(BinaryData.fromString(who + " " + clock.instant()), false);
      return true;
    } catch (BlobStorageException e) {
      if (e.getStatusCode() != 409) {
        throw e;
      }
      return claim.downloadContent().toString().startsWith(who + " ");
    }
  }

  private String awaitOtherUpload(String name) {
    Instant deadline = clock.instant().plus(CLAIM_WAIT);
    String url = paths.assetVersionUrl(AssetKind.CODE, name, VERSION);
    while (clock.instant().isBefore(deadline)) {
      ArmResponse r = transport.execute(new ArmRequest("code.get", "GET", url, null));
      if (r.status() == 200 && r.body().hasNonNull("id")) {
        LOG.info("code {} was uploaded by another worker: {}", name, r.body().get("id").asText());
        return r.body().get("id").asText();
      }
      LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
    }
    return null;
  }

  private void upload(BlobContainerClient container, String prefix, CodeSnapshot s, String to) {
    long total = s.totalBytes();
    AtomicLong done = new AtomicLong();
    AtomicLong reportedTenth = new AtomicLong();
    LOG.info(
        "uploading code {} ({} files, {} bytes, sha256 {}) to {}",
        s.root(),
        s.entries().size(),
        total,
        s.hash(),
        to);
    ExecutorService pool =
        Executors.newFixedThreadPool(
            PARALLEL_FILES,
            r -> {
              Thread t = new Thread(r, "azureml-upload");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<?>> uploads = new ArrayList<>();
      for (CodeSnapshot.Entry e : s.entries()) {
        uploads.add(
            pool.submit(
                () -> {
                  long[] last = {0};
                  ParallelTransferOptions options =
                      new ParallelTransferOptions()
                          .setBlockSizeLong(BLOCK_BYTES)
                          .setMaxConcurrency(4)
                          .setProgressListener(
                              sent -> {
                                long now = done.addAndGet(sent - last[0]);
                                last[0] = sent;
                                progress(s, now, total, reportedTenth);
                              });
                  container
                      .getBlobClient(prefix + e.relativePath())
                      .uploadFromFile(e.file().toString(), options, null, null, null, null, null);
                }));
      }
      for (Future<?> f : uploads) {
        f.get();
      }
    } catch (ExecutionException e) {
      // storage errors are worth another try (the claim is ours, the next try uploads again)
      throw new ArmCallException(
          ArmCallException.Kind.TRANSIENT,
          0,
          "uploading code " + s.root() + " failed: " + e.getCause().getMessage(),
          null,
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ArmCallException(
          ArmCallException.Kind.TRANSIENT,
          0,
          "uploading code " + s.root() + " was interrupted",
          null,
          e);
    } finally {
      pool.shutdownNow();
    }
  }

  private static void progress(CodeSnapshot s, long done, long total, AtomicLong reportedTenth) {
    if (total < PROGRESS_BYTES) {
      return;
    }
    long tenth = done * 10 / total;
    long before = reportedTenth.get();
    if (tenth > before && reportedTenth.compareAndSet(before, tenth)) {
      LOG.info(
          "uploading code {}: {} of {} MiB ({}%)", s.root(), done >> 20, total >> 20, tenth * 10);
    }
  }

  private String register(String name, CodeSnapshot s, String blobUri) {
    ObjectNode props = F.objectNode();
    props.put("codeUri", blobUri);
    props.put("isAnonymous", true);
    ObjectNode hash = props.putObject("properties");
    hash.put("hash_sha256", s.hash());
    hash.put("hash_version", CodeSnapshot.HASH_VERSION);
    props.putObject("tags").put("partitrain.source", s.root().getFileName().toString());
    ObjectNode body = F.objectNode();
    body.set("properties", props);
    String url = paths.assetVersionUrl(AssetKind.CODE, name, VERSION);
    ArmResponse r = transport.execute(new ArmRequest("code.put", "PUT", url, body));
    if (r.status() == 409) {
      // registered meanwhile by a worker that took over a stale claim: the content is the same
      r = transport.execute(new ArmRequest("code.get", "GET", url, null));
    }
    if (r.status() / 100 != 2 || !r.body().hasNonNull("id")) {
      throw refused("registering code " + name + " answered " + r.status(), r);
    }
    String id = r.body().get("id").asText();
    LOG.info("code {} registered as {}", s.root(), id);
    return id;
  }

  /** Next to the uploaded folder, never inside it (the job downloads the folder). */
  private static String claimName(String prefix) {
    String folder = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    return (folder.isEmpty() ? "code" : folder) + ".partitrain-claim";
  }

  /** The blob path under the container, ending in {@code /}. */
  private static String blobPath(String blobUri, String container) {
    String path = URI.create(blobUri).getPath();
    int at = path.indexOf("/" + container + "/");
    String rest = at < 0 ? "" : path.substring(at + container.length() + 2);
    return rest.isEmpty() || rest.endsWith("/") ? rest : rest + "/";
  }

  /** https only; plain http only to a loopback address (the storage emulator). */
  private static void requireStorageUrl(String url) {
    URI u = URI.create(url);
    boolean loopback = "127.0.0.1".equals(u.getHost()) || "localhost".equalsIgnoreCase(u.getHost());
    if (!"https".equalsIgnoreCase(u.getScheme())
        && !("http".equalsIgnoreCase(u.getScheme()) && loopback)) {
      throw new ArmCallException(
          ArmCallException.Kind.REFUSED,
          0,
          "refusing to upload to " + u.getScheme() + "://" + u.getHost() + ": only https",
          null,
          null);
    }
  }

  private static ArmCallException refused(String what, ArmResponse r) {
    return new ArmCallException(
        ArmCallException.Kind.REFUSED,
        r.status(),
        what + " " + ArmResponse.armError(r.body()),
        null,
        null);
  }
}
