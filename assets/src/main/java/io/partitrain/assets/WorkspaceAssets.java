package io.partitrain.assets;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One workspace's assets as a job uses them: {@code @latest} references resolved once per run,
 * local code folders and inputs hashed and uploaded once per content, inline environments
 * registered once, and the workspace's datastores. The one entry point the azureml backend (and, to
 * come, the starter and {@code schedule apply}) builds; it needs only a way to call ARM ({@link
 * ArmCalls}) and to reach blob storage ({@link BlobAccess}).
 *
 * <p>Biggest advantage: every answer is remembered per run (and every upload per content), so all
 * partitions of a run use the same versions and only the first asks ARM. Biggest limitation: the
 * memory is this process's; another process asks ARM again (and finds the content there).
 */
public final class WorkspaceAssets {

  private final AssetPaths paths;
  private final ArmCalls arm;
  private final ArmAssetResolver resolver;
  private final CodeAssets uploads;
  private final Datastores datastores;
  private final AnonymousEnvironments environments;
  private final Map<String, String> codeHashes = new ConcurrentHashMap<>();
  private final Set<String> registered = ConcurrentHashMap.newKeySet();

  /**
   * @param uploaderId who this process is in an upload claim (unique per process)
   */
  public WorkspaceAssets(
      ArmCalls arm, AssetPaths paths, BlobAccess blobs, Clock clock, String uploaderId) {
    this.arm = Objects.requireNonNull(arm, "arm");
    this.paths = Objects.requireNonNull(paths, "paths");
    this.resolver = new ArmAssetResolver(arm, paths);
    this.uploads = new CodeAssets(arm, paths, clock, uploaderId, blobs);
    this.datastores = new Datastores(arm, paths, blobs);
    this.environments = new AnonymousEnvironments(paths, uploads);
  }

  /** Inline environments as anonymous versions (their build contexts uploaded first). */
  public AnonymousEnvironments environments() {
    return environments;
  }

  public AssetPaths paths() {
    return paths;
  }

  public AssetResolver resolver() {
    return resolver;
  }

  public LocalUploads uploads() {
    return uploads;
  }

  public Datastores datastores() {
    return datastores;
  }

  /**
   * The content hash of a local folder or file, hashed once per run and path (as it is uploaded
   * once per run and path), for the job's evidence.
   *
   * @throws AzureMlTranslationException when the path cannot be read
   */
  public String contentHash(String runId, Path path) {
    return codeHashes.computeIfAbsent(
        runId + "\u0000" + path, k -> CodeSnapshot.of("code", path).hash());
  }

  /**
   * Sends an idempotent registration (an environment version's PUT) unless this process already
   * did; a 409 (registered meanwhile by another process) counts as done.
   *
   * @throws ArmCallException when ARM refuses it
   */
  public void registerOnce(ArmRequest registration) {
    if (registered.contains(registration.url())) {
      return;
    }
    ArmResponse r = arm.execute(registration);
    if (!r.isSuccess() && r.status() != 409) {
      throw new ArmCallException(
          ArmCallException.Kind.REFUSED,
          r.status(),
          "ARM "
              + registration.method()
              + " "
              + registration.operation()
              + " answered "
              + r.status()
              + " "
              + ArmResponse.armError(r.body()),
          null,
          null);
    }
    registered.add(registration.url());
  }
}
