package io.partitrain.shared.serde;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fast instant reader gives what Jackson's own gives: the same instant for every text it takes,
 * and, for any other text, Jackson's own answer (the same instant, or the same error).
 */
class IsoInstantDeserializerTest {

  /** Jackson as configured before the fast reader: the reference. */
  private static final ObjectMapper REFERENCE =
      JsonMapper.builder().addModule(new JavaTimeModule()).build();

  private record Stamp(Instant at) {}

  private static Object read(ObjectMapper mapper, String json) {
    try {
      return mapper.readValue(json, Stamp.class).at();
    } catch (Exception e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage().lines().findFirst().orElse("");
    }
  }

  @Test
  void readsEveryInstantAsWrittenExactlyAsTheJdkDoes() {
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 100_000; i++) {
      // 0000-01-01 to 9999-12-31, with 0 to 9 fraction digits as Instant.toString writes them
      long seconds = random.nextLong(-62_167_219_200L, 253_402_300_799L);
      int nanos =
          switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> random.nextInt(1_000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1_000;
            default -> random.nextInt(1_000_000_000);
          };
      Instant instant = Instant.ofEpochSecond(seconds, nanos);
      String text = instant.toString();
      assertThat(IsoInstantDeserializer.parse(text)).as(text).isEqualTo(instant);
      assertThat(
              Json.read(("{\"schemaVersion\":1,\"at\":\"" + text + "\"}").getBytes(), Stamp.class)
                  .at())
          .isEqualTo(instant);
    }
  }

  @Test
  void anyOtherTextGetsJacksonsOwnAnswer() {
    String[] texts = {
      "2026-11-29T03:07:12Z",
      "2026-11-29T03:07:12.5Z",
      "2026-11-29T03:07:12,5Z",
      "2026-02-30T03:07:12Z",
      "2026-13-01T03:07:12Z",
      "2026-11-29T24:00:00Z",
      "2026-11-29T03:60:00Z",
      "2026-11-29T23:59:60Z",
      "2026-11-29T03:07:12.Z",
      "2026-11-29T03:07:12.1234567890Z",
      "2026-11-29T03:07:12+01:00",
      "2026-11-29 03:07:12Z",
      "+12026-11-29T03:07:12Z",
      "-0001-11-29T03:07:12Z",
      "2026-1x-29T03:07:12Z",
      "yesterday",
      "",
      "1764385632"
    };
    for (String text : texts) {
      String json = "{\"at\":\"" + text + "\"}";
      assertThat(read(Json.mapper(), json)).as(text).isEqualTo(read(REFERENCE, json));
    }
    assertThat(read(Json.mapper(), "{\"at\":1764385632}"))
        .isEqualTo(read(REFERENCE, "{\"at\":1764385632}"));
  }
}
