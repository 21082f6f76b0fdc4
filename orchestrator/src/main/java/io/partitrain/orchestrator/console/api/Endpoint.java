package io.partitrain.orchestrator.console.api;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.partitrain.orchestrator.console.auth.Role;

/**
 * One API endpoint: method, path (Javalin syntax, {@code {runId}}), the role it needs and what it
 * does. The one table that routes, authorizes and describes (OpenAPI) the API.
 */
public record Endpoint(
    HandlerType method, String path, Role role, String summary, Handler handler) {}
