package io.partitrain.worker.backend.azureml;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.assets.ArmRequest;
import io.partitrain.assets.ArmResponse;
import io.partitrain.shared.contracts.ComputeCapacity;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.worker.backend.BackendException;
import io.partitrain.worker.backend.JobRef;
import io.partitrain.worker.backend.azureml.internal.ArmTransport;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what a compute target can hold (the cluster's VM size and {@code maxNodeCount}, the
 * subscription's vCPU quota for its VM family and region), for the node-cap check before a run.
 */
final class ComputeCapacityReader {

  private static final Logger LOG = LoggerFactory.getLogger(ComputeCapacityReader.class);

  private final ArmTransport transport;
  private final ArmPaths paths;
  private final AzureMlConfig config;
  private final Clock clock;

  ComputeCapacityReader(ArmTransport transport, ArmPaths paths, AzureMlConfig config, Clock clock) {
    this.transport = transport;
    this.paths = paths;
    this.config = config;
    this.clock = clock;
  }

  /**
   * Compares a node cap with the compute target: its {@code maxNodeCount} and VM size, and the
   * subscription's vCPU quota for the VM family in its region. Run before a run starts; a cap that
   * does not fit is a warning (or, if the operator says so, a refusal).
   *
   * @throws BackendException when the compute does not exist (USER) or ARM cannot answer
   */
  ComputeCheck check(String computeName, int nodeCap) {
    ComputeCheck check = ComputeCheck.of(read(computeName), nodeCap);
    check.problems().forEach(problem -> LOG.warn("compute check: {}", problem));
    return check;
  }

  /**
   * What a compute target can hold: the cluster's VM size and {@code maxNodeCount}, and the free
   * vCPU quota of its VM family in its region. A compute that is not AmlCompute (Kubernetes,
   * serverless) comes back without them: it has nothing to compare.
   *
   * @throws BackendException USER when the compute does not exist; else as any ARM call
   */
  ComputeCapacity read(String computeName) {
    JobRef ref = new JobRef("(check)", computeName, 1, computeName);
    try {
      ArmResponse c =
          transport.execute(
              new ArmRequest("compute.get", "GET", paths.computeUrl(computeName), null));
      if (c.status() == 404) {
        throw BackendException.rejected(
            "compute "
                + computeName
                + " does not exist in workspace "
                + config.workspace()
                + " (az ml compute list)",
            FailureClass.USER,
            null);
      }
      if (c.status() != 200) {
        throw ArmFailures.refused(ref, "GET compute", c);
      }
      JsonNode p = c.body().path("properties");
      String type = p.path("computeType").asText(null);
      if (!"AmlCompute".equals(type)) {
        LOG.info(
            "compute {} is {}, not AmlCompute: no node count or quota to compare",
            computeName,
            type);
        return new ComputeCapacity(computeName, type, null, -1, -1, null, -1, -1, clock.instant());
      }
      String vmSize = p.at("/properties/vmSize").asText(null);
      int maxNodes = p.at("/properties/scaleSettings/maxNodeCount").asInt(-1);
      String location = c.body().path("location").asText(null);
      String family = null;
      int vcpus = -1;
      long limit = -1;
      long used = -1;
      if (location != null && vmSize != null) {
        ArmResponse sizes =
            transport.execute(
                new ArmRequest("compute.vmSizes", "GET", paths.vmSizesUrl(location), null));
        for (JsonNode s : listed(sizes)) {
          if (vmSize.equalsIgnoreCase(s.path("name").asText())) {
            family = s.path("family").asText(null);
            vcpus = s.path("vCPUs").asInt(-1);
          }
        }
        if (family != null) {
          ArmResponse usages =
              transport.execute(
                  new ArmRequest("compute.usages", "GET", paths.usagesUrl(location), null));
          for (JsonNode u : listed(usages)) {
            if (family.equalsIgnoreCase(u.at("/name/value").asText())) {
              limit = u.path("limit").asLong(-1);
              used = u.path("currentValue").asLong(-1);
            }
          }
        }
      }
      return new ComputeCapacity(
          computeName, type, vmSize, maxNodes, vcpus, family, limit, used, clock.instant());
    } catch (RuntimeException e) {
      throw ArmFailures.toBackendException(ref, "compute check", e);
    }
  }

  /** A list answer's items; none when the call did not answer 200 (the check then says less). */
  private static Iterable<JsonNode> listed(ArmResponse r) {
    return r.status() == 200 && r.body() != null ? r.body().path("value") : List.of();
  }
}
