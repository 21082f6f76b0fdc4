package io.partitrain.worker.backend.azureml;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.assets.ArmCallException;
import io.partitrain.assets.ArmRequest;
import io.partitrain.assets.ArmResponse;
import io.partitrain.worker.backend.azureml.internal.ArmTransport;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One run's jobs, listed by the run's tag key ({@code GET .../jobs?tag=partitrain.run.RUN}) page by
 * page following {@code nextLink}: one list per run per poll instead of one GET per job.
 */
final class RunJobsList {

  private final ArmTransport transport;
  private final ArmPaths paths;

  RunJobsList(ArmTransport transport, ArmPaths paths) {
    this.transport = transport;
    this.paths = paths;
  }

  /** All jobs of a run, by name, following nextLink. */
  Map<String, JsonNode> list(String runId) {
    Map<String, JsonNode> byName = new LinkedHashMap<>();
    addTo(runId, byName);
    return byName;
  }

  /** Adds the run's jobs page by page; what was read stays in {@code byName} if a page fails. */
  void addTo(String runId, Map<String, JsonNode> byName) {
    String url = paths.listByTagUrl(JobTags.runKey(runId));
    int pages = 0;
    while (url != null) {
      ArmResponse page = transport.execute(new ArmRequest("job.list", "GET", url, null));
      if (page.status() != 200) {
        throw new ArmCallException(
            ArmCallException.Kind.REFUSED,
            page.status(),
            "[run="
                + runId
                + "] listing jobs answered "
                + page.status()
                + " "
                + ArmResponse.armError(page.body()),
            null,
            null);
      }
      for (JsonNode job : page.body().path("value")) {
        if (runId.equals(JobTags.of(job).get(JobTags.RUN))) {
          byName.put(job.path("name").asText(), job);
        }
      }
      JsonNode next = page.body().get("nextLink");
      url = next == null || next.isNull() || next.asText().isBlank() ? null : next.asText();
      if (++pages > 10_000) {
        throw new ArmCallException(
            ArmCallException.Kind.REFUSED,
            0,
            "[run=" + runId + "] listing jobs did not end after 10000 pages",
            null,
            null);
      }
    }
  }
}
