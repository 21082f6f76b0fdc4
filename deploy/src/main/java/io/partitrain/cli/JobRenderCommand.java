package io.partitrain.cli;

import io.partitrain.assets.ArmRequest;
import io.partitrain.assets.AzureMlTranslationException;
import io.partitrain.shared.contracts.JobNames;
import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.contracts.RunIds;
import io.partitrain.shared.plan.Plan;
import io.partitrain.shared.plan.PlanLoader;
import io.partitrain.shared.serde.Json;
import io.partitrain.worker.backend.JobRef;
import io.partitrain.worker.backend.JobRequest;
import io.partitrain.worker.backend.azureml.AzureMlConfig;
import io.partitrain.worker.backend.azureml.AzureMlRequestRenderer;
import io.partitrain.worker.backend.local.LocalJobPreview;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code partitrain job render}: prints the exact ARM requests (method, URL, body) the {@code
 * azureml} backend would send for one partition, without calling anything, so a user can review a
 * job before a run and diff it against {@code az ml job create --file job.yml --debug}. The
 * Authorization header is never printed (it does not exist until send time).
 *
 * <p>Without {@code --subscription/--resource-group/--workspace} (or their AZUREML_* environment
 * variables) the URL and ARM ids carry placeholder workspace coordinates, and a note says so.
 */
@Command(
    name = "render",
    mixinStandardHelpOptions = true,
    description =
        "Print what the backend would run for one partition (a dry run): the ARM requests of"
            + " azureml, or the job folder and bash command of local.")
public final class JobRenderCommand implements Callable<Integer> {

  static final String PLACEHOLDER_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
  static final String PLACEHOLDER_RESOURCE_GROUP = "RESOURCE_GROUP";
  static final String PLACEHOLDER_WORKSPACE = "WORKSPACE";

  @Spec CommandSpec spec;

  @Option(names = "--plan", required = true, description = "the plan.yml")
  Path planFile;

  @Option(names = "--partition", required = true, description = "the partition id")
  String partitionId;

  @Option(
      names = "--attempt",
      defaultValue = "1",
      description = "the attempt number (default: ${DEFAULT-VALUE})")
  int attempt;

  @Option(names = "--run-id", description = "the run id (default: PLAN-render)")
  String runId;

  @Option(
      names = "--subscription",
      description = "subscription id (default: $AZUREML_SUBSCRIPTION_ID)")
  String subscription;

  @Option(
      names = "--resource-group",
      description = "resource group (default: $AZUREML_RESOURCE_GROUP)")
  String resourceGroup;

  @Option(names = "--workspace", description = "workspace (default: $AZUREML_WORKSPACE)")
  String workspace;

  @Option(
      names = "--api-version",
      defaultValue = AzureMlConfig.DEFAULT_API_VERSION,
      description = "ARM api-version (default: ${DEFAULT-VALUE})")
  String apiVersion;

  @Option(
      names = "--arm-endpoint",
      description = "ARM endpoint (default: https://management.azure.com)")
  URI armEndpoint;

  @Option(
      names = "--backend",
      description =
          "local or azureml: the backend whose job to print (default: $PARTITRAIN_BACKEND; else"
              + " local for a job on compute 'local', azureml otherwise)")
  String backend;

  @Option(
      names = "--jobs-dir",
      description =
          "local backend: the jobs folder (default: $PARTITRAIN_LOCAL_JOBS_DIR, else"
              + " .partitrain/jobs)")
  Path jobsDir;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "json",
      description = "json (default) or table")
  OutputFormat output;

  public JobRenderCommand() {}

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Plan plan = PlanLoader.load(planFile);
    Optional<PartitionSpec> partition =
        plan.partitions().stream().filter(p -> p.id().equals(partitionId)).findFirst();
    if (partition.isEmpty()) {
      err.println("partitrain: plan " + plan.name() + " has no partition '" + partitionId + "'");
      return ExitCode.NOT_FOUND.code();
    }
    if (attempt < 1) {
      err.println("partitrain: --attempt must be at least 1, but was " + attempt);
      return ExitCode.BAD_INPUT.code();
    }
    String run = runId != null ? runId : plan.name() + "-render";
    RunIds.requireValid(run);
    JobSpec job = plan.template().render(run, partition.get());
    String kind = backendFor(job);
    if (kind.equals("local")) {
      return renderLocal(job, JobNames.of(run, partitionId, attempt), out, err);
    }
    if (!kind.equals("azureml")) {
      err.println("partitrain: --backend must be local or azureml, but was '" + kind + "'");
      return ExitCode.BAD_INPUT.code();
    }
    JobRef ref = new JobRef(run, partitionId, attempt, JobNames.of(run, partitionId, attempt));
    JobRequest request = new JobRequest(ref, job, partition.get().tags());
    boolean placeholders = first(subscription, "AZUREML_SUBSCRIPTION_ID") == null;
    AzureMlRequestRenderer.Rendered rendered;
    try {
      rendered = new AzureMlRequestRenderer(config()).render(request);
    } catch (AzureMlTranslationException e) {
      err.println("partitrain: " + e.getMessage());
      return ExitCode.BAD_INPUT.code();
    }
    var json = rendered.toJson();
    if (placeholders) {
      json.withArray("notes")
          .add(
              "no workspace given: "
                  + PLACEHOLDER_SUBSCRIPTION
                  + "/"
                  + PLACEHOLDER_RESOURCE_GROUP
                  + "/"
                  + PLACEHOLDER_WORKSPACE
                  + " stand in for it; pass "
                  + "--subscription, --resource-group and --workspace (or set AZUREML_SUBSCRIPTION_ID, "
                  + "AZUREML_RESOURCE_GROUP, AZUREML_WORKSPACE)");
    }
    if (output == OutputFormat.json) {
      out.println(Json.toPrettyString(json));
    } else {
      for (ArmRequest r : rendered.requests()) {
        out.println(r.method() + " " + r.url());
        if (r.body() != null) {
          out.println(Json.toPrettyString(r.body()));
        }
        out.println();
      }
      json.withArray("notes").forEach(n -> out.println("note: " + n.asText()));
    }
    out.flush();
    return ExitCode.OK.code();
  }

  /**
   * The backend whose request to show: the flag, else the workers' $PARTITRAIN_BACKEND, else what
   * the job's compute says (issue 23, item 4: a plan run by local workers was refused with Azure
   * ML's rules).
   */
  private String backendFor(JobSpec job) {
    String chosen = first(backend, "PARTITRAIN_BACKEND");
    if (chosen != null) {
      return chosen;
    }
    // A job that names no Azure ML compute and no Azure ML environment is a local job.
    boolean azureEnvironment = job.environment() != null;
    return JobSpec.DEFAULT_COMPUTE.equals(job.computeTarget()) && !azureEnvironment
        ? "local"
        : "azureml";
  }

  /** What the local backend would run: the job folder, the bash command, its environment. */
  private int renderLocal(JobSpec job, String jobName, PrintWriter out, PrintWriter err) {
    Path root =
        jobsDir != null
            ? jobsDir
            : Path.of(orDefault(first(null, "PARTITRAIN_LOCAL_JOBS_DIR"), ".partitrain/jobs"));
    LocalJobPreview preview;
    try {
      preview = LocalJobPreview.of(job, root, jobName);
    } catch (RuntimeException e) {
      err.println("partitrain: the local backend would not start this job: " + e.getMessage());
      return ExitCode.BAD_INPUT.code();
    }
    if (output == OutputFormat.json) {
      out.println(Json.toPrettyString(preview));
    } else {
      out.println("backend      local");
      out.println("job          " + preview.jobName());
      out.println("job folder   " + preview.jobFolder());
      out.println("code         " + (preview.code() == null ? "(none)" : preview.code()));
      out.println("slots        " + preview.slots());
      out.println(
          "timeout      "
              + (preview.timeoutSeconds() == null ? "(none)" : preview.timeoutSeconds() + " s"));
      preview.environmentVariables().forEach((k, v) -> out.println("env          " + k + "=" + v));
      out.println("command      " + preview.command());
      preview.notes().forEach(n -> out.println("note: " + n));
    }
    out.flush();
    return ExitCode.OK.code();
  }

  AzureMlConfig config() {
    AzureMlConfig.Builder b =
        AzureMlConfig.builder()
            .subscriptionId(
                orDefault(first(subscription, "AZUREML_SUBSCRIPTION_ID"), PLACEHOLDER_SUBSCRIPTION))
            .resourceGroup(
                orDefault(
                    first(resourceGroup, "AZUREML_RESOURCE_GROUP"), PLACEHOLDER_RESOURCE_GROUP))
            .workspace(orDefault(first(workspace, "AZUREML_WORKSPACE"), PLACEHOLDER_WORKSPACE))
            .apiVersion(apiVersion);
    if (armEndpoint != null) {
      b.armEndpoint(armEndpoint);
    }
    return b.build();
  }

  private static String first(String option, String env) {
    if (option != null && !option.isBlank()) {
      return option;
    }
    String v = System.getenv(env);
    return v == null || v.isBlank() ? null : v;
  }

  private static String orDefault(String v, String dflt) {
    return v == null ? dflt : v;
  }
}
