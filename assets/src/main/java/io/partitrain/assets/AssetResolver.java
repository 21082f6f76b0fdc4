package io.partitrain.assets;

/**
 * Finds the newest version of a workspace asset, for {@code azureml:NAME@latest} references. The
 * backend's implementation asks ARM once per run and asset and remembers the answer, so all
 * partitions of a run use the same version even if someone registers a newer one mid-run.
 */
public interface AssetResolver {

  /** Kinds of versioned assets a job.yml can reference, with their ARM collection name. */
  enum AssetKind {
    ENVIRONMENT("environments"),
    DATA("data"),
    CODE("codes"),
    MODEL("models");

    private final String collection;

    AssetKind(String collection) {
      this.collection = collection;
    }

    public String collection() {
      return collection;
    }
  }

  /**
   * @param runId the run the answer is remembered for
   * @return the newest version's name (e.g. {@code "12"})
   * @throws AzureMlTranslationException when the asset has no version
   */
  String latestVersion(String runId, AssetKind kind, String name);
}
