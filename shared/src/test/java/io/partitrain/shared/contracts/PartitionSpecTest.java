package io.partitrain.shared.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partitrain.shared.serde.Json;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PartitionSpecTest {

  /** As a start command's partitions are read: Jackson makes a new string for every value. */
  private static PartitionSpec decode(String json) throws Exception {
    return Json.mapper().readValue(json.getBytes(StandardCharsets.UTF_8), PartitionSpec.class);
  }

  @Test
  void decodedPartitionsShareTheirTagValuesInsteadOfACopyEach() throws Exception {
    PartitionSpec a = decode("{\"id\":\"store-1\",\"tags\":{\"region\":\"north\",\"bu\":\"b1\"}}");
    PartitionSpec b = decode("{\"id\":\"store-2\",\"tags\":{\"region\":\"north\",\"bu\":\"b1\"}}");

    assertThat(a.tags()).isEqualTo(Map.of("region", "north", "bu", "b1"));
    assertThat(a.tags().get("region")).isSameAs(b.tags().get("region"));
    assertThat(a.tags().get("bu")).isSameAs(b.tags().get("bu"));
  }

  @Test
  void tagsAreACopyAndANullTagIsRefused() {
    Map<String, String> tags = new HashMap<>(Map.of("region", "north"));
    PartitionSpec p = new PartitionSpec("store-1", tags);
    tags.put("region", "south");
    assertThat(p.tags()).containsEntry("region", "north");

    Map<String, String> withNull = new HashMap<>();
    withNull.put("region", null);
    assertThatThrownBy(() -> new PartitionSpec("store-1", withNull))
        .isInstanceOf(NullPointerException.class);
    assertThat(new PartitionSpec("store-1", null).tags()).isEmpty();
  }
}
