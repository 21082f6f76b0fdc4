package io.partitrain.worker.backend.azureml;

import java.util.ArrayList;
import java.util.List;

/**
 * What a compute target can hold, compared with the node cap Partitrain will keep for it: the
 * AmlCompute cluster's {@code maxNodeCount} and VM size ({@code GET .../computes/{name}}), and the
 * subscription's vCPU quota for that VM family in the cluster's region ({@code GET
 * .../locations/{location}/usages} and {@code .../vmSizes}). A cap above either means jobs wait in
 * {@code Queued} inside Azure ML while the cost cap reserves money for them.
 *
 * @param compute the compute name
 * @param nodeCap the node cap Partitrain keeps for it
 * @param vmSize the cluster's VM size, null when unknown
 * @param maxNodeCount the cluster's maximum node count, -1 when unknown
 * @param vCpusPerNode vCPUs of one node, -1 when unknown
 * @param family the VM family's quota name ({@code standardDSv2Family}), null when unknown
 * @param quotaLimit the family's vCPU limit in the region, -1 when unknown
 * @param quotaUsed vCPUs of the family in use now, -1 when unknown
 * @param problems what does not fit, one sentence each; empty when the cap fits
 */
public record ComputeCheck(
    String compute,
    int nodeCap,
    String vmSize,
    int maxNodeCount,
    int vCpusPerNode,
    String family,
    long quotaLimit,
    long quotaUsed,
    List<String> problems) {

  public ComputeCheck {
    problems = List.copyOf(problems);
  }

  /** Whether the node cap fits the cluster and the quota. */
  public boolean fits() {
    return problems.isEmpty();
  }

  /** Compares a node cap with what the service answered. */
  static ComputeCheck of(
      String compute,
      int nodeCap,
      String vmSize,
      int maxNodeCount,
      int vCpusPerNode,
      String family,
      long quotaLimit,
      long quotaUsed) {
    List<String> problems = new ArrayList<>();
    if (maxNodeCount >= 0 && nodeCap > maxNodeCount) {
      problems.add(
          "node cap "
              + nodeCap
              + " for "
              + compute
              + " is above the cluster's maxNodeCount "
              + maxNodeCount
              + ": jobs beyond "
              + maxNodeCount
              + " nodes wait in Queued while the cost cap reserves money for them; lower the cap"
              + " (partitrain cap set) or raise max_instances (az ml compute update)");
    }
    if (vCpusPerNode > 0 && quotaLimit >= 0) {
      long free = Math.max(0, quotaLimit - Math.max(0, quotaUsed));
      long needed = (long) Math.min(nodeCap, maxNodeCount < 0 ? nodeCap : maxNodeCount);
      if (needed * vCpusPerNode > free) {
        problems.add(
            needed
                + " nodes of "
                + vmSize
                + " need "
                + needed * vCpusPerNode
                + " vCPUs, but the subscription's "
                + family
                + " quota has "
                + free
                + " free ("
                + quotaUsed
                + " of "
                + quotaLimit
                + " in use): jobs would wait in Queued for quota; request more quota or lower the"
                + " node cap");
      }
    }
    return new ComputeCheck(
        compute,
        nodeCap,
        vmSize,
        maxNodeCount,
        vCpusPerNode,
        family,
        quotaLimit,
        quotaUsed,
        problems);
  }
}
