package io.partitrain.assets;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves {@code @latest} by asking ARM for the newest version ({@code $orderBy=createdtime desc,
 * $top=1}) once per run and asset, so every partition of a run uses the same version.
 */
public final class ArmAssetResolver implements AssetResolver {

  private final ArmCalls transport;
  private final AssetPaths paths;
  private final Map<String, String> answers = new ConcurrentHashMap<>();

  public ArmAssetResolver(ArmCalls transport, AssetPaths paths) {
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
