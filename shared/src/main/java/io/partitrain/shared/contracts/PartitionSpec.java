package io.partitrain.shared.contracts;

import java.util.Map;

/**
 * One partition as a plan names it.
 *
 * @param id the partition id, valid for {@link PartitionIds#RULE}
 * @param tags its tags: region, business unit, ... (the CSV's other columns)
 */
public record PartitionSpec(String id, Map<String, String> tags) {

  public PartitionSpec {
    tags = tags == null ? Map.of() : Map.copyOf(tags);
  }
}
