package io.partitrain.orchestrator.console.api.request;

import io.partitrain.orchestrator.console.view.PartitionView;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Cursor paging over a run's partitions, which are sorted by id: the cursor is the last id of the
 * page, opaque to the caller, so a page starts where the last one ended even while the run grows.
 */
public final class Cursors {

  private Cursors() {}

  public static String encode(String partitionId) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(partitionId.getBytes(StandardCharsets.UTF_8));
  }

  /** The partition id the cursor names; {@code null} for none (the first page). */
  public static String decode(String cursor) {
    if (cursor == null || cursor.isBlank()) {
      return null;
    }
    try {
      return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw Problem.badRequest(
          "query parameter 'cursor' must be a nextCursor this API returned, but was '"
              + cursor
              + "'");
    }
  }

  /** The index of the first partition whose id sorts after {@code id}. */
  public static int firstAfter(List<PartitionView> sorted, String id) {
    int lo = 0;
    int hi = sorted.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted.get(mid).partitionId().compareTo(id) <= 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
