package io.partitrain.shared.contracts;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What an Azure ML compute target can hold, as the service answered: the AmlCompute cluster's VM
 * size and {@code maxNodeCount} ({@code GET .../computes/{name}}), and the subscription's vCPU
 * quota for that VM family in the cluster's region ({@code .../vmSizes}, {@code .../usages}).
 * Gathered where an Azure identity is (the CLI, with the worker's {@code azureml.*} settings) and
 * compared with the node cap where the cap lives (the orchestrator, at run start), by {@link
 * #problemsFor}, so both sides say the same.
 *
 * @param computeTarget the compute name (without {@code azureml:})
 * @param computeType {@code AmlCompute}, {@code Kubernetes}, ...; only AmlCompute has the rest
 * @param vmSize the cluster's VM size, null when unknown
 * @param maxNodeCount the cluster's maximum node count, -1 when unknown
 * @param vCpusPerNode vCPUs of one node, -1 when unknown
 * @param family the VM family's quota name ({@code standardDSv2Family}), null when unknown
 * @param quotaLimit the family's vCPU limit in the region, -1 when unknown
 * @param quotaUsed vCPUs of the family in use when checked, -1 when unknown
 * @param checkedAt when the service was asked
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ComputeCapacity(
    String computeTarget,
    String computeType,
    String vmSize,
    int maxNodeCount,
    int vCpusPerNode,
    String family,
    long quotaLimit,
    long quotaUsed,
    Instant checkedAt) {

  /** A node cap that is no cap at all (the orchestrator's default when none is configured). */
  public static final int NO_CAP = Integer.MAX_VALUE;

  public ComputeCapacity {
    if (computeTarget == null || computeTarget.isBlank()) {
      throw new IllegalArgumentException("computeTarget must be a compute name, but was blank");
    }
  }

  /** Whether the service told the cluster's size (only AmlCompute clusters have one). */
  @JsonIgnore
  public boolean known() {
    return maxNodeCount >= 0;
  }

  /** vCPUs of the family free in the region when checked, -1 when unknown. */
  @JsonIgnore
  public long quotaFree() {
    return quotaLimit < 0 ? -1 : Math.max(0, quotaLimit - Math.max(0, quotaUsed));
  }

  /**
   * The most nodes that can run at once: the cluster's {@code maxNodeCount}, and no more than the
   * free quota holds; -1 when the service told neither.
   */
  @JsonIgnore
  public int nodesItHolds() {
    long n = maxNodeCount;
    if (vCpusPerNode > 0 && quotaLimit >= 0) {
      long byQuota = quotaFree() / vCpusPerNode;
      n = n < 0 ? byQuota : Math.min(n, byQuota);
    }
    return (int) Math.min(n, Integer.MAX_VALUE);
  }

  /**
   * What does not fit when Partitrain keeps {@code nodeCap} nodes on this target, one sentence each
   * with its fix; empty when the cap fits (or the service told nothing to compare).
   */
  public List<String> problemsFor(int nodeCap) {
    List<String> problems = new ArrayList<>();
    String cap =
        nodeCap == NO_CAP
            ? "no node cap (unlimited) for " + computeTarget
            : "node cap " + nodeCap + " for " + computeTarget;
    if (maxNodeCount >= 0 && nodeCap > maxNodeCount) {
      problems.add(
          cap
              + " is above the cluster's maxNodeCount "
              + maxNodeCount
              + ": jobs beyond "
              + maxNodeCount
              + " nodes wait in Queued while the cost cap reserves money for them; set the cap"
              + " (partitrain cap set "
              + computeTarget
              + " --nodes "
              + maxNodeCount
              + ") or raise max_instances (az ml compute update)");
    }
    if (vCpusPerNode > 0 && quotaLimit >= 0) {
      long needed = Math.min(nodeCap, maxNodeCount < 0 ? nodeCap : maxNodeCount);
      if (needed * vCpusPerNode > quotaFree()) {
        problems.add(
            needed
                + " nodes of "
                + vmSize
                + " need "
                + needed * vCpusPerNode
                + " vCPUs, but the subscription's "
                + family
                + " quota has "
                + quotaFree()
                + " free ("
                + quotaUsed
                + " of "
                + quotaLimit
                + " in use): jobs would wait in Queued for quota; request more quota or lower the"
                + " node cap of "
                + computeTarget);
      }
    }
    return problems;
  }

  /** One line for people: what the target holds. */
  public String describe() {
    if (!known()) {
      return computeTarget
          + ": "
          + (computeType == null ? "not AmlCompute" : computeType)
          + ", no node count or quota to compare";
    }
    StringBuilder s =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%s: %s, at most %d nodes (maxNodeCount)",
                computeTarget,
                vmSize,
                maxNodeCount));
    if (vCpusPerNode > 0 && quotaLimit >= 0) {
      s.append(
          String.format(
              Locale.ROOT,
              "; %d vCPUs each, %s quota %d of %d in use (%d nodes free)",
              vCpusPerNode,
              family,
              quotaUsed,
              quotaLimit,
              quotaFree() / vCpusPerNode));
    }
    return s.toString();
  }
}
