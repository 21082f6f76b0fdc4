package io.partitrain.shared.testing;

import io.partitrain.shared.contracts.JobNames;
import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.contracts.WorkItem;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** {@code aWorkItem().forPartition("store-017").attempt(2).build()}. */
public final class WorkItemBuilder {

  private WorkItem.Kind kind = WorkItem.Kind.SUBMIT;
  private String runId = "weekly-demand-2026-W48";
  private String partitionId = "store-001";
  private int attempt = 1;
  private String command = "echo training ${{inputs.epochs}}";
  private Duration timeout = Duration.ofSeconds(60);
  private int nodes = 1;
  private Map<String, String> tags = Map.of("region", "north");
  private Instant issuedAt = Instant.parse("2026-11-23T05:00:00Z");
  // No submission deadline unless a test sets one.
  private Instant notAfter;

  public static WorkItemBuilder aWorkItem() {
    return new WorkItemBuilder();
  }

  public WorkItemBuilder kind(WorkItem.Kind k) {
    this.kind = k;
    return this;
  }

  public WorkItemBuilder inRun(String id) {
    this.runId = id;
    return this;
  }

  public WorkItemBuilder forPartition(String id) {
    this.partitionId = id;
    return this;
  }

  public WorkItemBuilder attempt(int n) {
    this.attempt = n;
    return this;
  }

  public WorkItemBuilder command(String c) {
    this.command = c;
    return this;
  }

  public WorkItemBuilder timeout(Duration d) {
    this.timeout = d;
    return this;
  }

  public WorkItemBuilder nodes(int n) {
    this.nodes = n;
    return this;
  }

  public WorkItemBuilder tags(Map<String, String> t) {
    this.tags = t;
    return this;
  }

  public WorkItemBuilder notAfter(Instant deadline) {
    this.notAfter = deadline;
    return this;
  }

  public JobSpec spec() {
    return new JobSpec(
        command,
        null,
        "azureml:partitrain-jdk17@latest",
        "azureml:cpu-cluster",
        Map.of("epochs", JobSpec.JobInput.literal(3)),
        Map.of("model", new JobSpec.JobOutput("uri_folder", null, null)),
        Map.of("MODE", "test"),
        new JobSpec.Resources(nodes, "Standard_DS3_v2"),
        new JobSpec.Limits(timeout),
        Map.of("team", "forecasting"),
        "weekly-demand",
        runId + "-" + partitionId,
        null,
        Map.of());
  }

  public WorkItem build() {
    return new WorkItem(
        Schema.VERSION,
        kind,
        runId,
        partitionId,
        attempt,
        JobNames.of(runId, partitionId, attempt),
        spec(),
        tags,
        issuedAt,
        notAfter);
  }
}
