package io.partitrain.worker.backend.azureml;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * #LATEST_PLACEHOLDER} in its place and says so in {@link Rendered#notes()}. The backend itself
 * uses the same translator, so there is no second copy of the mapping to drift.
 */
public final class AzureMlRequestRenderer {

  /** Stands for the version {@code @latest} resolves to at submission. */
  public static final String LATEST_PLACEHOLDER = "{latest}";

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
                  + paths.latestVersionUrl(kind, name)
                  + "); shown as "
                  + LATEST_PLACEHOLDER);
          return LATEST_PLACEHOLDER;
        };
    JobBodyTranslator.Translation t = new JobBodyTranslator(paths, dryRun).translate(request);
    List<ArmRequest> requests = new ArrayList<>(t.prerequisites());
    requests.add(jobPut(request.jobName(), t));
    notes.add(
        "the Authorization header (a bearer token for "
            + config.tokenScope()
            + ") is added at send time and never printed");
    return new Rendered(requests, notes);
  }

  ArmRequest jobPut(String jobName, JobBodyTranslator.Translation t) {
    return new ArmRequest("job.put", "PUT", paths.jobUrl(jobName), t.body());
  }
}
