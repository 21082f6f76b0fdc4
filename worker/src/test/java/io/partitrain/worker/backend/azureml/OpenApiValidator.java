package io.partitrain.worker.backend.azureml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Checks a JSON document against a definition of the OpenAPI 2.0 excerpt ({@code
 * mfe.jobs-excerpt.json}): required fields, types, enums, patterns, minLength, ISO-8601 durations,
 * uuids, {@code additionalProperties: false}, read-only fields in requests, and the {@code
 * discriminator} / {@code x-ms-discriminator-value} polymorphism ARM uses for jobType,
 * jobInputType, distributionType, ... References outside the excerpt (ProxyResource, Nodes) are
 * accepted as they come.
 */
final class OpenApiValidator {

  /**
   * Where the spec files are: {@code worker/src/test/resources/azureml-spec}, an unchanged copy of
   * the official examples and OpenAPI excerpt (its README names the sources and commits). Found
   * from the worker module (its own tests) and from the deploy module (the end-to-end tests).
   */
  static Path specDir() {
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      for (Path candidate :
          new Path[] {
            p.resolve("src/test/resources/azureml-spec"),
            p.resolve("worker/src/test/resources/azureml-spec")
          }) {
        if (Files.isDirectory(candidate.resolve("2025-12-01"))) {
          return candidate;
        }
      }
    }
    throw new IllegalStateException(
        "worker/src/test/resources/azureml-spec not found above " + here);
  }

  private final JsonNode definitions;

  private OpenApiValidator(JsonNode definitions) {
    this.definitions = definitions;
  }

  static OpenApiValidator load() {
    return load("2025-12-01/mfe.jobs-excerpt.json");
  }

  /** The code, code-version, pending-upload and datastore definitions. */
  static OpenApiValidator loadAssets() {
    return load("2025-12-01/mfe.assets-excerpt.json");
  }

  /** The environment, model and data version definitions. */
  static OpenApiValidator loadMoreAssets() {
    return load("2025-12-01/mfe.more-assets-excerpt.json");
  }

  private static OpenApiValidator load(String file) {
    try {
      JsonNode root = new ObjectMapper().readTree(Files.readString(specDir().resolve(file)));
      return new OpenApiValidator(root.get("definitions"));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the OpenAPI excerpt", e);
    }
  }

  /** Violations of {@code definition} by a request body (read-only fields are violations). */
  List<String> validateRequest(String definition, JsonNode doc) {
    List<String> out = new ArrayList<>();
    validate(definitions.get(definition), doc, "$", true, out);
    return out;
  }

  /** Violations by a response body (read-only fields allowed). */
  List<String> validateResponse(String definition, JsonNode doc) {
    List<String> out = new ArrayList<>();
    validate(definitions.get(definition), doc, "$", false, out);
    return out;
  }

  private void validate(
      JsonNode schema, JsonNode doc, String path, boolean request, List<String> out) {
    schema = resolve(schema);
    if (schema == null) {
      return; // a $ref outside the excerpt
    }
    if (doc == null || doc.isNull()) {
      return; // nullability is not enforced beyond "required"
    }
    JsonNode concrete = concreteSubtype(schema, doc, path, out);
    if (concrete != schema) {
      validate(concrete, doc, path, request, out);
      return;
    }
    String type = effectiveType(schema);
    if (type != null && !typeMatches(type, doc)) {
      out.add(path + ": must be of type " + type + ", but was " + doc.getNodeType());
      return;
    }
    if (doc.isTextual()) {
      checkString(schema, doc.asText(), path, out);
    }
    if (schema.has("enum") && doc.isValueNode()) {
      boolean found = false;
      for (JsonNode e : schema.get("enum")) {
        found |= e.asText().equals(doc.asText());
      }
      if (!found) {
        out.add(path + ": '" + doc.asText() + "' is not one of " + schema.get("enum"));
      }
    }
    if (doc.isObject()) {
      checkObject(schema, doc, path, request, out);
    }
    if (doc.isArray() && schema.has("items")) {
      for (int i = 0; i < doc.size(); i++) {
        validate(schema.get("items"), doc.get(i), path + "[" + i + "]", request, out);
      }
    }
  }

  private void checkObject(
      JsonNode schema, JsonNode doc, String path, boolean request, List<String> out) {
    Map<String, JsonNode> props = new java.util.LinkedHashMap<>();
    Set<String> required = new HashSet<>();
    boolean closed = collect(schema, props, required, new HashSet<>());
    for (String r : required) {
      if (!doc.has(r) || doc.get(r).isNull()) {
        out.add(path + "." + r + ": is required");
      }
    }
    JsonNode additional = schema.get("additionalProperties");
    Iterator<Map.Entry<String, JsonNode>> it = doc.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String p = path + "." + e.getKey();
      JsonNode ps = props.get(e.getKey());
      if (ps != null) {
        if (request && isReadOnly(ps)) {
          out.add(p + ": is read-only and must not be sent");
        }
        validate(ps, e.getValue(), p, request, out);
      } else if (additional != null && additional.isObject()) {
        validate(additional, e.getValue(), p, request, out);
      } else if (closed && !props.isEmpty()) {
        out.add(p + ": is not a property of this definition (additionalProperties: false)");
      }
    }
  }

  /** Properties and required names of a schema and its allOf parents; true when closed. */
  private boolean collect(
      JsonNode schema, Map<String, JsonNode> props, Set<String> required, Set<JsonNode> seen) {
    schema = resolve(schema);
    if (schema == null || !seen.add(schema)) {
      return false;
    }
    boolean closed =
        schema.has("additionalProperties")
            && schema.get("additionalProperties").isBoolean()
            && !schema.get("additionalProperties").asBoolean();
    if (schema.has("properties")) {
      schema
          .get("properties")
          .fields()
          .forEachRemaining(e -> props.putIfAbsent(e.getKey(), e.getValue()));
    }
    if (schema.has("required")) {
      schema.get("required").forEach(r -> required.add(r.asText()));
    }
    if (schema.has("allOf")) {
      for (JsonNode parent : schema.get("allOf")) {
        collect(parent, props, required, seen);
      }
    }
    return closed;
  }

  /** For a polymorphic base, the subtype named by the discriminator value. */
  private JsonNode concreteSubtype(JsonNode schema, JsonNode doc, String path, List<String> out) {
    String disc = schema.has("discriminator") ? schema.get("discriminator").asText() : null;
    if (disc == null || !doc.isObject()) {
      return schema;
    }
    JsonNode value = doc.get(disc);
    if (value == null) {
      return schema; // "required" reports it
    }
    String baseName = nameOf(schema);
    Iterator<Map.Entry<String, JsonNode>> it = definitions.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode d = e.getValue();
      if (value.asText().equals(d.path("x-ms-discriminator-value").asText(null))
          && extendsBase(d, baseName)) {
        return d;
      }
    }
    // The enum check on the discriminator property reports values that have no subtype.
    return schema;
  }

  private boolean extendsBase(JsonNode d, String baseName) {
    for (JsonNode parent : d.path("allOf")) {
      String ref = parent.path("$ref").asText("");
      if (ref.equals("#/definitions/" + baseName)) {
        return true;
      }
      JsonNode resolved = resolve(parent);
      if (resolved != null && resolved != d && extendsBase(resolved, baseName)) {
        return true;
      }
    }
    return false;
  }

  private String nameOf(JsonNode schema) {
    Iterator<Map.Entry<String, JsonNode>> it = definitions.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue() == schema) {
        return e.getKey();
      }
    }
    return "";
  }

  private void checkString(JsonNode schema, String s, String path, List<String> out) {
    if (schema.has("minLength") && s.length() < schema.get("minLength").asInt()) {
      out.add(path + ": shorter than minLength " + schema.get("minLength").asInt());
    }
    if (schema.has("pattern")
        && !Pattern.compile(schema.get("pattern").asText()).matcher(s).find()) {
      out.add(path + ": '" + s + "' does not match " + schema.get("pattern").asText());
    }
    String format = schema.path("format").asText("");
    if (format.equals("duration")) {
      try {
        Duration.parse(s);
      } catch (RuntimeException e) {
        out.add(path + ": '" + s + "' is not an ISO-8601 duration");
      }
    } else if (format.equals("uuid")) {
      try {
        UUID.fromString(s);
      } catch (RuntimeException e) {
        out.add(path + ": '" + s + "' is not a uuid");
      }
    }
  }

  private boolean isReadOnly(JsonNode ps) {
    if (ps.path("readOnly").asBoolean(false)) {
      return true;
    }
    JsonNode r = resolve(ps);
    return r != null && r.path("readOnly").asBoolean(false);
  }

  private String effectiveType(JsonNode schema) {
    if (schema.has("type")) {
      return schema.get("type").asText();
    }
    return schema.has("properties") || schema.has("allOf") ? "object" : null;
  }

  private static boolean typeMatches(String type, JsonNode doc) {
    return switch (type) {
      case "object" -> doc.isObject();
      case "string" -> doc.isTextual();
      case "integer" -> doc.isIntegralNumber();
      case "number" -> doc.isNumber();
      case "boolean" -> doc.isBoolean();
      case "array" -> doc.isArray();
      default -> true;
    };
  }

  /** Follows a local {@code $ref}; null for refs outside the excerpt. */
  private JsonNode resolve(JsonNode schema) {
    JsonNode s = schema;
    int guard = 0;
    while (s != null && s.has("$ref") && guard++ < 20) {
      String ref = s.get("$ref").asText();
      if (!ref.startsWith("#/definitions/")) {
        return null;
      }
      JsonNode target = definitions.get(ref.substring("#/definitions/".length()));
      if (target == null) {
        return null;
      }
      s = target;
    }
    return s;
  }
}
