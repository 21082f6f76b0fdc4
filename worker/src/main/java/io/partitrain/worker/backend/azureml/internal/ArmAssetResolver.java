package io.partitrain.worker.backend.azureml.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.worker.backend.azureml.ArmPaths;
import io.partitrain.worker.backend.azureml.ArmRequest;
import io.partitrain.worker.backend.azureml.AssetResolver;
import io.partitrain.worker.backend.azureml.AzureMlTranslationException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves {@code @latest} by asking ARM for the newest version ({@code $orderBy=createdtime desc,
 * $top=1}) once per run and asset, so every partition of a run uses the same version.
 */
public final class ArmAssetResolver implements AssetResolver {

  private final ArmTransport transport;
  private final ArmPaths paths;
  private final Map<String, String> answers = new ConcurrentHashMap<>();

  public ArmAssetResolver(ArmTransport transport, ArmPaths paths) {
    this.transport = transport;
    this.paths = paths;
  }

  @Override
  public String latestVersion(String runId, AssetKind kind, String name) {
    return answers.computeIfAbsent(runId + "|" + kind + "|" + name, k -> lookUp(kind, name));
  }

  private String lookUp(AssetKind kind, String name) {
    ArmResponse r =
        transport.execute(
            new ArmRequest(
                kind.collection() + ".latest", "GET", paths.latestVersionUrl(kind, name), null));
    JsonNode first = r.body() == null ? null : r.body().path("value").path(0);
    if (r.status() == 404 || first == null || first.isMissingNode() || !first.hasNonNull("name")) {
      throw new AzureMlTranslationException(
          kind.name().toLowerCase(java.util.Locale.ROOT),
          "azureml:" + name + "@latest",
          "no version of "
              + kind.collection()
              + "/"
              + name
              + " was found in the workspace (ARM answered "
              + r.status()
              + ")");
    }
    return first.get("name").asText();
  }
}
