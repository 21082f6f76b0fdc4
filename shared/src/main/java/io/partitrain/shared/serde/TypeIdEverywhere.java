package io.partitrain.shared.serde;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.ser.BeanSerializerFactory;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.databind.ser.impl.TypeWrappedSerializer;

/**
 * Writes the {@code type} of a polymorphic contract record (a {@code RunEvent}, a {@code
 * FinOpsRecord}, a {@code RunCommand}...) wherever it is written, not only where the declared type
 * is its interface.
 *
 * <p>Jackson adds a type id only when the declared type carries {@link JsonTypeInfo}: a {@code
 * CancelAccepted} put in a {@code Map<String, Object>} (an API answer) or a {@code List<Object>}
 * lost its {@code type}, and the CLI could not read it back (issue 23: {@code run show --server} of
 * a canceled run failed with "missing type id property 'type'"). Every record whose class inherits
 * a {@code @JsonTypeInfo} is therefore always written with it; where the declared type already asks
 * for it, Jackson hands its own type serializer down and the id is written once.
 */
final class TypeIdEverywhere extends BeanSerializerModifier {

  @Override
  public JsonSerializer<?> modifySerializer(
      SerializationConfig config, BeanDescription description, JsonSerializer<?> serializer) {
    Class<?> type = description.getBeanClass();
    if (type.isInterface() || !hasTypeInfo(type)) {
      return serializer;
    }
    TypeSerializer typeSerializer =
        BeanSerializerFactory.instance.createTypeSerializer(config, description.getType());
    if (typeSerializer == null) {
      return serializer;
    }
    @SuppressWarnings("unchecked")
    JsonSerializer<Object> inner = (JsonSerializer<Object>) serializer;
    return new TypeWrappedSerializer(typeSerializer, inner);
  }

  /** Whether a supertype (interface or class) of {@code type} declares a type id. */
  private static boolean hasTypeInfo(Class<?> type) {
    for (Class<?> t = type; t != null && t != Object.class; t = t.getSuperclass()) {
      if (t != type && t.isAnnotationPresent(JsonTypeInfo.class)) {
        return true;
      }
      for (Class<?> i : t.getInterfaces()) {
        if (i.isAnnotationPresent(JsonTypeInfo.class) || hasTypeInfo(i)) {
          return true;
        }
      }
    }
    return false;
  }
}
