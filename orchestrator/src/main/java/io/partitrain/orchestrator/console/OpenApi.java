package io.partitrain.orchestrator.console;

import io.partitrain.orchestrator.console.api.ConsoleApi;
import io.partitrain.orchestrator.console.api.Endpoint;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenAPI 3.1 description of the API, built from the same endpoint table that routes and
 * authorizes it, so the document cannot drift from what is served.
 */
final class OpenApi {

  private static final Pattern PARAM = Pattern.compile("\\{([A-Za-z]+)}");

  private OpenApi() {}

  static Map<String, Object> describe(List<Endpoint> endpoints, String version) {
    Map<String, Object> paths = new LinkedHashMap<>();
    for (Endpoint e : endpoints) {
      @SuppressWarnings("unchecked")
      Map<String, Object> item =
          (Map<String, Object>) paths.computeIfAbsent(e.path(), p -> new LinkedHashMap<>());
      Map<String, Object> op = new LinkedHashMap<>();
      op.put("summary", e.summary());
      op.put("x-partitrain-role", e.role().name().toLowerCase(Locale.ROOT));
      op.put("security", List.of(Map.of("bearer", List.of())));
      List<Object> params = new java.util.ArrayList<>();
      Matcher m = PARAM.matcher(e.path());
      while (m.find()) {
        params.add(
            Map.of(
                "name",
                m.group(1),
                "in",
                "path",
                "required",
                true,
                "schema",
                Map.of("type", "string")));
      }
      if (!params.isEmpty()) {
        op.put("parameters", params);
      }
      if (e.method().name().equals("POST")) {
        op.put(
            "requestBody",
            Map.of(
                "required",
                true,
                "content",
                Map.of("application/json", Map.of("schema", Map.of("type", "object")))));
      }
      Map<String, Object> responses = new LinkedHashMap<>();
      responses.put("200", Map.of("description", "OK", "content", json("object")));
      for (String code : List.of("400", "401", "403", "404")) {
        responses.put(code, Map.of("$ref", "#/components/responses/Problem"));
      }
      if (e.method().name().equals("POST")) {
        responses.put("409", Map.of("$ref", "#/components/responses/Problem"));
        responses.put("504", Map.of("$ref", "#/components/responses/Problem"));
      }
      op.put("responses", responses);
      item.put(e.method().name().toLowerCase(Locale.ROOT), op);
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("openapi", "3.1.0");
    doc.put(
        "info",
        Map.of(
            "title",
            "Partitrain console API",
            "version",
            version,
            "description",
            "Runs, partitions, job evidence, FinOps and schedules. Bearer tokens (Entra ID JWTs, or"
                + " the local token of an all-in-one installation); roles viewer, operator, finops,"
                + " admin. Errors are application/problem+json (RFC 9457)."));
    doc.put("servers", List.of(Map.of("url", "/")));
    doc.put("paths", paths);
    doc.put(
        "components",
        Map.of(
            "securitySchemes",
            Map.of("bearer", Map.of("type", "http", "scheme", "bearer", "bearerFormat", "JWT")),
            "responses",
            Map.of(
                "Problem",
                Map.of(
                    "description",
                    "RFC 9457 problem details",
                    "content",
                    Map.of(
                        "application/problem+json",
                        Map.of(
                            "schema",
                            Map.of(
                                "type",
                                "object",
                                "properties",
                                Map.of(
                                    "type", Map.of("type", "string"),
                                    "title", Map.of("type", "string"),
                                    "status", Map.of("type", "integer"),
                                    "detail", Map.of("type", "string"),
                                    "instance", Map.of("type", "string")))))))));
    return doc;
  }

  private static Map<String, Object> json(String type) {
    return Map.of("application/json", Map.of("schema", Map.of("type", type)));
  }

  static String path() {
    return ConsoleApi.BASE + "/openapi.json";
  }
}
