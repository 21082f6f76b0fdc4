package io.partitrain.shared.kafka;

import io.partitrain.shared.serde.Json;
import java.util.ArrayList;
import java.util.List;

/** Cuts a list into consecutive chunks of at most so many bytes of JSON each (parts of records). */
final class JsonChunks {

  private JsonChunks() {}

  /**
   * {@code items} in order, cut so that each chunk's items take at most {@code maxBytes} of JSON
   * (each item's encoding plus a separator); an item larger than that is a chunk of its own. One
   * chunk (possibly empty) when they all fit.
   */
  static <T> List<List<T>> of(List<T> items, int maxBytes) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("partBytes must be greater than 0, but was " + maxBytes);
    }
    List<List<T>> chunks = new ArrayList<>();
    List<T> chunk = new ArrayList<>();
    long bytes = 0;
    for (T item : items) {
      int size = Json.toBytes(item).length + 1;
      if (!chunk.isEmpty() && bytes + size > maxBytes) {
        chunks.add(chunk);
        chunk = new ArrayList<>();
        bytes = 0;
      }
      chunk.add(item);
      bytes += size;
    }
    chunks.add(chunk);
    return chunks;
  }
}
