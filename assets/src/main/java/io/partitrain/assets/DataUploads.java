package io.partitrain.assets;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local job inputs ({@code uri_file}, {@code uri_folder}) become {@code azureml://} URIs on the
 * workspace's default datastore, once per content, as {@code az ml job create} does: the file or
 * folder is hashed ({@link CodeSnapshot}), uploaded under {@code LocalUpload/<hash>/<name>} unless
 * that content is already there (a done-marker next to it), and the job gets {@code
 * azureml://datastores/<default>/paths/LocalUpload/<hash>/<name>}. The same content is never
 * uploaded twice, by any worker, in any run.
 *
 * <p>The datastore comes from {@code GET .../datastores?isDefault=true}, read once per process; it
 * is reached with its account key or SAS token ({@code POST .../listSecrets}, kept in memory, never
 * logged) or, for an identity-based datastore, with the worker's own Azure identity ({@link
 * Datastores}). Concurrent workers coordinate with the same claim blob as code.
 */
public final class DataUploads {

  private static final Logger LOG = LoggerFactory.getLogger(DataUploads.class);

  private final ArmCalls transport;
  private final AssetPaths paths;
  private final Clock clock;
  private final String who;
  private final Datastores datastores;
  private final Map<String, String> byRunAndPath = new ConcurrentHashMap<>();
  private final Map<String, String> byHash = new ConcurrentHashMap<>();

  /**
   * @param blobs how to reach blob storage (identity, HTTP client, an emulator's endpoint)
   */
  public DataUploads(
      ArmCalls transport, AssetPaths paths, Clock clock, String who, BlobAccess blobs) {
    this.transport = transport;
    this.paths = paths;
    this.clock = clock;
    this.who = who;
    this.datastores = new Datastores(transport, paths, blobs);
  }

  /** The input's {@code azureml://} URI, its content uploaded if the datastore lacks it. */
  public String dataUri(String runId, String field, Path path) {
    return byRunAndPath.computeIfAbsent(
        runId + "\u0000" + path,
        k -> {
          CodeSnapshot s = CodeSnapshot.of(field, path);
          String rel = relativeUri(s, path);
          byHash.computeIfAbsent(s.hash() + "\u0000" + rel, h -> upload(s, path, rel));
          return "azureml://datastores/" + store().name() + "/paths/" + rel;
        });
  }

  /**
   * The folder's {@code https://} blob URL on the default datastore, its content uploaded if the
   * datastore lacks it (same content rules as {@link #dataUri}): a build context's {@code
   * contextUri}.
   */
  public String blobUrl(String runId, String field, Path folder) {
    String uri = dataUri(runId, field, folder);
    String rel = uri.substring(uri.indexOf("/paths/") + "/paths/".length());
    return store().container().getBlobContainerUrl() + "/" + rel;
  }

  /** {@code LocalUpload/<hash>/<name>}, with a trailing {@code /} for a folder. */
  public static String relativeUri(CodeSnapshot s, Path path) {
    String name = path.getFileName().toString();
    return "LocalUpload/" + s.hash() + "/" + name + (Files.isDirectory(path) ? "/" : "");
  }

  private String upload(CodeSnapshot s, Path path, String rel) {
    BlobContainerClient c = store().container();
    String base = "LocalUpload/" + s.hash();
    var done = c.getBlobClient(base + ".partitrain-done");
    if (done.exists()) {
      LOG.info("input {} ({}) is already on the datastore", path, s.hash());
      return rel;
    }
    if (!CodeAssets.claim(c, base + ".partitrain-claim", who, clock)) {
      Instant deadline = clock.instant().plus(CodeAssets.CLAIM_WAIT);
      while (clock.instant().isBefore(deadline)) {
        if (done.exists()) {
          return rel;
        }
        LockSupport.parkNanos(500_000_000L);
      }
      LOG.warn("input {}: another worker's upload did not finish; uploading it here", path);
    }
    LOG.info(
        "uploading input {} ({} files, {} bytes, sha256 {}) to {}",
        path,
        s.entries().size(),
        s.totalBytes(),
        s.hash(),
        rel);
    for (CodeSnapshot.Entry e : s.entries()) {
      String blob = Files.isDirectory(path) ? rel + e.relativePath() : rel;
      c.getBlobClient(blob).uploadFromFile(e.file().toString(), true);
    }
    done.getBlockBlobClient().upload(BinaryData.fromString(who + " " + clock.instant()), true);
    return rel;
  }

  private Datastores.Store store() {
    return datastores.defaultStore();
  }
}
