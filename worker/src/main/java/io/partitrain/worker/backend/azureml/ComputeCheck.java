package io.partitrain.worker.backend.azureml;

import io.partitrain.shared.contracts.ComputeCapacity;
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
 * @param capacity what the service answered
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
    List<String> problems,
    ComputeCapacity capacity) {

  public ComputeCheck {
    problems = List.copyOf(problems);
  }

  /** Whether the node cap fits the cluster and the quota. */
  public boolean fits() {
    return problems.isEmpty();
  }

  /** What the service answered, for a comparison elsewhere (the orchestrator, at run start). */
  public ComputeCapacity capacity() {
    return capacity;
  }

  /** Compares a node cap with what the service answered ({@link ComputeCapacity#problemsFor}). */
  static ComputeCheck of(ComputeCapacity capacity, int nodeCap) {
    return new ComputeCheck(
        capacity.computeTarget(),
        nodeCap,
        capacity.vmSize(),
        capacity.maxNodeCount(),
        capacity.vCpusPerNode(),
        capacity.family(),
        capacity.quotaLimit(),
        capacity.quotaUsed(),
        capacity.problemsFor(nodeCap),
        capacity);
  }
}
