package io.partitrain.worker.backend.azureml;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.partitrain.assets.ArmRequest;
import io.partitrain.assets.AssetResolver;
import io.partitrain.assets.AssetResolver.AssetKind;
import io.partitrain.assets.AzureMlTranslationException;
import io.partitrain.assets.CodeAssets;
import io.partitrain.assets.CodeSnapshot;
import io.partitrain.assets.DataUploads;
import io.partitrain.assets.LocalUploads;
import io.partitrain.shared.serde.Json;
import io.partitrain.worker.backend.JobRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The exact ARM calls the {@code azureml} backend would make to create one job, without making
 * them: the dry run behind {@code partitrain job render}. Users review a job before a run, and diff
 * the body against {@code az ml job create --file job.yml --debug}.
 *
 * <p>The only thing a dry run cannot know is which version {@code @latest} names; it shows {@value
 * #LATEST_PLACEHOLDER} in its place and says so in {@link Rendered#notes()}. A local {@code code:}
 * folder is hashed here exactly as the backend hashes it, and the calls of its upload (the lookup
 * by hash, the pending upload, the blob upload with its file count and bytes, the registration) are
 * listed before the job's PUT; the backend skips all but the lookup when the workspace already
 * holds that content. The backend itself uses the same translator, so there is no second copy of
 * the mapping to drift.
 */
public final class AzureMlRequestRenderer {

  /** Stands for the version {@code @latest} resolves to at submission. */
  public static final String LATEST_PLACEHOLDER = "{latest}";

  /** Stands for the workspace's default datastore, read at submission. */
  public static final String DEFAULT_DATASTORE_PLACEHOLDER = "{defaultDatastore}";

  private final AzureMlConfig config;
  private final ArmPaths paths;

  public AzureMlRequestRenderer(AzureMlConfig config) {
    this.config = config;
    this.paths = new ArmPaths(config);
  }

  /**
   * @param requests the calls in order: prerequisites (an anonymous environment), then the job PUT
   * @param notes what the dry run could not settle
   */
  public record Rendered(List<ArmRequest> requests, List<String> notes) {
    public Rendered {
      requests = List.copyOf(requests);
      notes = List.copyOf(notes);
    }

    /** The job's own PUT. */
    public ArmRequest jobPut() {
      return requests.get(requests.size() - 1);
    }

    /** {@code {"requests": [{method, url, body}], "notes": [...]}}. */
    public ObjectNode toJson() {
      ObjectNode root = Json.mapper().createObjectNode();
      ArrayNode rs = root.putArray("requests");
      for (ArmRequest r : requests) {
        ObjectNode n = rs.addObject();
        n.put("method", r.method());
        n.put("url", r.url());
        if (r.body() != null) {
          n.set("body", r.body());
        }
      }
      ArrayNode ns = root.putArray("notes");
      notes.forEach(ns::add);
      return root;
    }
  }

  /**
   * @throws AzureMlTranslationException when the job uses something the backend does not support
   */
  public Rendered render(JobRequest request) {
    List<String> notes = Collections.synchronizedList(new ArrayList<>());
    AssetResolver dryRun =
        (runId, kind, name) -> {
          notes.add(
              kind.collection()
                  + "/"
                  + name
                  + "@latest is resolved once per run at submission ("
                  + "GET "
                  + paths.assets().latestVersionUrl(kind, name)
                  + "); shown as "
                  + LATEST_PLACEHOLDER);
          return LATEST_PLACEHOLDER;
        };
    List<ArmRequest> uploads = new ArrayList<>();
    java.util.Set<String> uploadedData = new java.util.HashSet<>();
    LocalUploads dryUploads =
        new LocalUploads() {
          @Override
          public String codeVersionId(String runId, java.nio.file.Path folder) {
            CodeSnapshot s = CodeSnapshot.of("code", folder);
            uploads.addAll(codeUpload(s));
            notes.add(
                "code "
                    + folder
                    + " has sha256 "
                    + s.hash()
                    + " ("
                    + s.entries().size()
                    + " files, "
                    + s.totalBytes()
                    + " bytes); it is uploaded only if the workspace has no code version with"
                    + " that hash, once per run for all partitions");
            return paths.assets().assetVersionId(AssetKind.CODE, s.assetName(), CodeAssets.VERSION);
          }

          @Override
          public String dataUri(String runId, String field, java.nio.file.Path path) {
            CodeSnapshot s = CodeSnapshot.of(field, path);
            String rel = DataUploads.relativeUri(s, path);
            if (uploadedData.add(s.hash())) {
              uploads.addAll(dataUpload(s, path, rel));
            }
            notes.add(
                field
                    + " "
                    + path
                    + " has sha256 "
                    + s.hash()
                    + "; it is uploaded to the default datastore (shown as "
                    + DEFAULT_DATASTORE_PLACEHOLDER
                    + ") only if "
                    + rel
                    + " is not there yet");
            return "azureml://datastores/" + DEFAULT_DATASTORE_PLACEHOLDER + "/paths/" + rel;
          }

          @Override
          public String buildContextUri(String runId, String field, java.nio.file.Path folder) {
            String uri = dataUri(runId, field, folder);
            return "https://"
                + DEFAULT_DATASTORE_PLACEHOLDER
                + ".blob/"
                + uri.substring(uri.indexOf("/paths/") + "/paths/".length());
          }
        };
    JobBodyTranslator.Translation t =
        new JobBodyTranslator(paths, dryRun, dryUploads).translate(request);
    List<ArmRequest> requests = new ArrayList<>(uploads);
    requests.addAll(t.prerequisites());
    requests.add(jobPut(request.jobName(), t));
    notes.add(
        "the Authorization header (a bearer token for "
            + config.tokenScope()
            + ") is added at send time and never printed");
    return new Rendered(requests, notes);
  }

  /** The calls {@link CodeAssets} makes for content the workspace does not hold yet. */
  private List<ArmRequest> codeUpload(CodeSnapshot s) {
    String name = s.assetName();
    ObjectNode pending = Json.mapper().createObjectNode();
    pending.put("pendingUploadId", s.hash());
    pending.put("pendingUploadType", "TemporaryBlobReference");
    ObjectNode files = Json.mapper().createObjectNode();
    files.put("from", s.root().toString());
    files.put("files", s.entries().size());
    files.put("bytes", s.totalBytes());
    files.put("hash_sha256", s.hash());
    ArrayNode list = files.putArray("paths");
    s.entries().stream().limit(50).forEach(e -> list.add(e.relativePath()));
    ObjectNode version = Json.mapper().createObjectNode();
    ObjectNode p = version.putObject("properties");
    p.put("codeUri", "{blobUri}");
    p.put("isAnonymous", true);
    p.putObject("properties")
        .put("hash_sha256", s.hash())
        .put("hash_version", CodeSnapshot.HASH_VERSION);
    p.putObject("tags").put("partitrain.source", s.root().getFileName().toString());
    return List.of(
        new ArmRequest(
            "code.find",
            "GET",
            paths.assets().codeVersionsByHashUrl(name, s.hash(), CodeSnapshot.HASH_VERSION),
            null),
        new ArmRequest(
            "code.startPendingUpload",
            "POST",
            paths.assets().codeStartPendingUploadUrl(name, CodeAssets.VERSION),
            pending),
        new ArmRequest("code.upload", "UPLOAD", "{blobUri}/", files),
        new ArmRequest(
            "code.put",
            "PUT",
            paths.assets().assetVersionUrl(AssetKind.CODE, name, CodeAssets.VERSION),
            version));
  }

  /** The calls {@link DataUploads} makes for an input the datastore does not hold yet. */
  private List<ArmRequest> dataUpload(CodeSnapshot s, java.nio.file.Path path, String rel) {
    ObjectNode files = Json.mapper().createObjectNode();
    files.put("from", path.toString());
    files.put("files", s.entries().size());
    files.put("bytes", s.totalBytes());
    files.put("hash_sha256", s.hash());
    return List.of(
        new ArmRequest("datastore.list", "GET", paths.assets().defaultDatastoreUrl(), null),
        new ArmRequest(
            "datastore.listSecrets",
            "POST",
            paths.assets().datastoreSecretsUrl(DEFAULT_DATASTORE_PLACEHOLDER),
            null),
        new ArmRequest(
            "data.upload",
            "UPLOAD",
            "azureml://datastores/" + DEFAULT_DATASTORE_PLACEHOLDER + "/paths/" + rel,
            files));
  }

  ArmRequest jobPut(String jobName, JobBodyTranslator.Translation t) {
    return new ArmRequest("job.put", "PUT", paths.jobUrl(jobName), t.body());
  }
}
