package io.partitrain.shared.serde;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.contracts.JobStatusBatch;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.contracts.StateSnapshot;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every subtype of every polymorphic contract (run events, FinOps records, commands, snapshots,
 * status batches) keeps its {@code type} wherever it is written: as itself, inside a map (an API
 * answer's field) or inside a list, and reads back equal as its interface (issue 23: a {@code
 * CancelAccepted} in the console's answer lost its type and {@code --server} reads failed). The
 * subtypes come from the interfaces' own {@code @JsonSubTypes}, so a new event is covered the day
 * it is added; each is filled with a sample value per component.
 */
class EveryContractTypeRoundTripsTest {

  /** Text components with a rule of their own, by name. */
  private static final Map<String, String> TEXTS =
      Map.of(
          "timeZone", "Europe/Amsterdam",
          "cron", "0 6 * * MON",
          "currency", "EUR");

  static Stream<Arguments> subtypes() {
    List<Arguments> all = new ArrayList<>();
    for (Class<?> base :
        List.of(
            RunEvent.class,
            FinOpsRecord.class,
            RunCommand.class,
            StateSnapshot.class,
            JobStatusBatch.class)) {
      JsonSubTypes types = base.getAnnotation(JsonSubTypes.class);
      if (types == null) {
        continue;
      }
      for (JsonSubTypes.Type t : types.value()) {
        all.add(Arguments.of(base, t.value(), t.name()));
      }
    }
    assertThat(all).hasSizeGreaterThan(30);
    return all.stream();
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("subtypes")
  void keepsItsTypeAsItselfInAMapAndInAList(Class<?> base, Class<?> type, String name)
      throws Exception {
    Object sample = sample(type, type, 0);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("item", sample);
    answer.put("items", List.of(sample));

    JsonNode tree = Json.mapper().readTree(Json.mapper().writeValueAsString(answer));
    assertThat(tree.path("item").path("type").asText()).isEqualTo(name);
    assertThat(tree.path("items").path(0).path("type").asText()).isEqualTo(name);
    assertThat(Json.mapper().treeToValue(tree.get("item"), base)).isEqualTo(sample);
    assertThat(Json.mapper().treeToValue(tree.path("items").get(0), base)).isEqualTo(sample);

    // Written as itself, the type is there exactly once.
    String alone = Json.mapper().writeValueAsString(sample);
    assertThat(alone.split("\"type\":\"" + name + "\"", -1)).hasSize(2);
    assertThat(Json.mapper().readValue(alone, base)).isEqualTo(sample);
  }

  /** A value of {@code type}, every component filled (records recursively). */
  private static Object sample(Type generic, Class<?> type, int depth) throws Exception {
    if (type == String.class) {
      // One id for everything: a batch's moves must all name the batch's run.
      return "store-001";
    } else if (type == int.class || type == Integer.class) {
      return depth == 0 && generic == int.class ? Schema.VERSION : 2;
    } else if (type == long.class || type == Long.class) {
      return 3L;
    } else if (type == double.class || type == Double.class) {
      return 1.5;
    } else if (type == boolean.class || type == Boolean.class) {
      return true;
    } else if (type == Instant.class) {
      return Instant.parse("2026-12-07T06:00:00Z");
    } else if (type == Duration.class) {
      return Duration.ofMinutes(5);
    } else if (type == LocalDate.class) {
      return LocalDate.parse("2026-12-07");
    } else if (type == BigDecimal.class) {
      return new BigDecimal("1.25");
    } else if (type.isEnum()) {
      return type.getEnumConstants()[0];
    } else if (JsonNode.class.isAssignableFrom(type)) {
      return JsonNodeFactory.instance.objectNode().put("command", "echo");
    } else if (List.class.isAssignableFrom(type) || Set.class.isAssignableFrom(type)) {
      Type element = argument(generic, 0);
      Object one = sample(element, raw(element), depth + 1);
      return List.class.isAssignableFrom(type) ? List.of(one) : Set.of(one);
    } else if (Map.class.isAssignableFrom(type)) {
      Type value = argument(generic, 1);
      return Map.of(
          sample(argument(generic, 0), raw(argument(generic, 0)), depth + 1),
          sample(value, raw(value), depth + 1));
    } else if (type == io.partitrain.shared.contracts.RunDeadline.class) {
      return new io.partitrain.shared.contracts.RunDeadline("PT20H", "Europe/Amsterdam");
    } else if (type.isRecord() && defaults(type) != null) {
      // A validated value object (a retry policy) is sampled as its own defaults.
      return defaults(type);
    } else if (type.isRecord()) {
      RecordComponent[] components = type.getRecordComponents();
      Object[] values = new Object[components.length];
      Class<?>[] types = new Class<?>[components.length];
      for (int i = 0; i < components.length; i++) {
        types[i] = components[i].getType();
        String name = components[i].getName();
        values[i] =
            name.equals("schemaVersion")
                ? Schema.VERSION
                : types[i] == String.class && TEXTS.containsKey(name)
                    ? TEXTS.get(name)
                    : sample(components[i].getGenericType(), types[i], depth + 1);
      }
      Constructor<?> c = type.getDeclaredConstructor(types);
      c.setAccessible(true);
      return c.newInstance(values);
    } else if (type.isInterface() && type.isSealed()) {
      return sample(type.getPermittedSubclasses()[0], type.getPermittedSubclasses()[0], depth);
    }
    throw new IllegalArgumentException("no sample for " + generic);
  }

  private static Object defaults(Class<?> type) throws Exception {
    for (java.lang.reflect.Method m : type.getMethods()) {
      if (m.getName().equals("defaults")
          && m.getParameterCount() == 0
          && java.lang.reflect.Modifier.isStatic(m.getModifiers())
          && m.getReturnType() == type) {
        return m.invoke(null);
      }
    }
    return null;
  }

  private static Type argument(Type generic, int i) {
    return ((ParameterizedType) generic).getActualTypeArguments()[i];
  }

  private static Class<?> raw(Type t) {
    return t instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) t;
  }
}
