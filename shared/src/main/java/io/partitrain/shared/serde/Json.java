package io.partitrain.shared.serde;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.partitrain.shared.PartitrainException;
import io.partitrain.shared.contracts.Schema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The one JSON configuration for every message: ISO-8601 times and durations, unknown fields
 * ignored (so older readers survive newer writers), and a {@code schemaVersion} that must be
 * present and not newer than this code understands.
 */
public final class Json {

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          // Money stays exact even where Jackson buffers a record (a polymorphic type whose
          // "type" is not first): without this a cap of 1e999 turns into a double on the way and
          // fails as "Character I is neither a decimal digit" instead of breaking the cap's rule.
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .build();

  private static final ObjectMapper PRETTY =
      MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT);

  private Json() {}

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  public static byte[] toBytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new PartitrainException(
          "cannot write " + value.getClass().getSimpleName() + " as JSON", e);
    }
  }

  public static String toString(Object value) {
    return new String(toBytes(value), StandardCharsets.UTF_8);
  }

  public static String toPrettyString(Object value) {
    try {
      return PRETTY.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new PartitrainException(
          "cannot write " + value.getClass().getSimpleName() + " as JSON", e);
    }
  }

  /**
   * Reads one message.
   *
   * @throws UnreadableMessageException naming the type and what is wrong (not JSON, a missing or
   *     too new {@code schemaVersion}, a field of the wrong type)
   */
  public static <T> T read(byte[] bytes, Class<T> type) {
    if (bytes == null) {
      throw new UnreadableMessageException(type, "the value is null (a tombstone?)", null);
    }
    try {
      var tree = MAPPER.readTree(bytes);
      if (tree == null || !tree.isObject()) {
        throw new UnreadableMessageException(type, "the value is not a JSON object", null);
      }
      var version = tree.get("schemaVersion");
      if (version == null || !version.canConvertToInt()) {
        throw new UnreadableMessageException(type, "field 'schemaVersion' is missing", null);
      }
      if (version.asInt() > Schema.VERSION) {
        throw new UnreadableMessageException(
            type,
            "schemaVersion "
                + version.asInt()
                + " is newer than this reader understands ("
                + Schema.VERSION
                + "); upgrade Partitrain",
            null);
      }
      return MAPPER.treeToValue(tree, type);
    } catch (IOException e) {
      throw new UnreadableMessageException(type, firstLine(e.getMessage()), e);
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable JSON";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
