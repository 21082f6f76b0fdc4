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
    tags = tags == null ? Map.of() : interned(tags);
  }

  /**
   * The tags with their names and values interned, immutable: a plan's tags repeat (a million
   * stores in a few regions), and a start of a million partitions decoded two million copies of
   * "region-1" and the like, 140 MB of the orchestrator's heap at the start, its tightest moment
   * under -Xmx1g. The orchestrator's partition records keep their tags through this too.
   */
  public static Map<String, String> interned(Map<String, String> tags) {
    if (tags.isEmpty()) {
      return Map.of();
    }
    @SuppressWarnings("unchecked")
    Map.Entry<String, String>[] entries = new Map.Entry[tags.size()];
    int i = 0;
    for (Map.Entry<String, String> e : tags.entrySet()) {
      // Map.entry refuses a null name or value, as Map.copyOf did.
      entries[i++] = Map.entry(e.getKey().intern(), e.getValue().intern());
    }
    return Map.ofEntries(entries);
  }
}
