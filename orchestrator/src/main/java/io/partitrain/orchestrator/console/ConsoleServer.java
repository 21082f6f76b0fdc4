package io.partitrain.orchestrator.console;

import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import io.javalin.security.RouteRole;
import io.partitrain.orchestrator.console.api.ConsoleApi;
import io.partitrain.orchestrator.console.api.Endpoint;
import io.partitrain.orchestrator.console.api.request.Problem;
import io.partitrain.orchestrator.console.auth.AuthenticationException;
import io.partitrain.orchestrator.console.auth.Authenticator;
import io.partitrain.orchestrator.console.auth.Principal;
import io.partitrain.orchestrator.console.auth.Role;
import io.partitrain.shared.serde.Json;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orchestrator's HTTP port: the console API ({@link ConsoleApi}), the web page (plain HTML, JS
 * and CSS from {@code /console} on the classpath), {@code /metrics} for Prometheus, {@code
 * /healthz} and {@code /readyz}, and the OpenAPI document at {@code /api/v1/openapi.json}.
 *
 * <p>Every API call needs a bearer token and the role its endpoint names; the page, the OpenAPI
 * document, metrics and probes are open (they carry no run data that needs a role, or none at all).
 * No CORS headers are sent, so other origins cannot read the API from a browser; tokens never
 * appear in a URL or a log line.
 */
public final class ConsoleServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ConsoleServer.class);
  private static final String PROBLEM_JSON = "application/problem+json";
  private static final String HANDLED = "partitrain.problem";

  private final Javalin app;

  private ConsoleServer(Javalin app) {
    this.app = app;
  }

  /**
   * Starts the server.
   *
   * @param metrics the Prometheus text exposition, or null for none
   * @param ready whether this instance is ready (its view caught up with the topics)
   * @param status what {@code /readyz} reports besides ready (role, caught-up, …)
   */
  /**
   * The largest request body: a run start carries its plan's partitions as JSON, which the commands
   * topic takes compressed up to {@code TopicAdmin.MAX_MESSAGE_BYTES} (8 MiB); JSON of that many
   * partitions is a few times larger.
   */
  public static final long MAX_REQUEST_BYTES = 32L << 20;

  public static ConsoleServer start(
      ConsoleConfig config,
      ConsoleApi api,
      Authenticator authenticator,
      Supplier<String> metrics,
      BooleanSupplier ready,
      Supplier<Map<String, Object>> status) {
    Map<String, Object> openApi = OpenApi.describe(api.endpoints(), ConsoleConfig.API_VERSION);
    // Javalin 7: routes, filters and handlers are declared up front, before the server starts.
    Javalin app =
        Javalin.create(
            cfg -> {
              cfg.startup.showJavalinBanner = false;
              cfg.startup.showOldJavalinVersionWarning = false;
              cfg.startup.startupWatcherEnabled = false;
              cfg.jsonMapper(new JavalinJackson(Json.mapper(), false));
              // A run start carries its plan's partitions: as large as a start command may be.
              cfg.http.maxRequestSize = MAX_REQUEST_BYTES;
              cfg.staticFiles.add(
                  sf -> {
                    sf.hostedPath = "/";
                    sf.directory = "/console";
                    sf.location = Location.CLASSPATH;
                    sf.headers =
                        Map.of("Cache-Control", "no-cache", "X-Content-Type-Options", "nosniff");
                  });
              routes(cfg.routes, api, authenticator, metrics, ready, status, openApi);
            });
    app.start(config.host(), config.port());
    return new ConsoleServer(app);
  }

  private static void routes(
      RoutesConfig routes,
      ConsoleApi api,
      Authenticator authenticator,
      Supplier<String> metrics,
      BooleanSupplier ready,
      Supplier<Map<String, Object>> status,
      Map<String, Object> openApi) {
    routes.beforeMatched(ctx -> authorize(ctx, authenticator));
    routes.before(ConsoleServer::securityHeaders);
    for (Endpoint e : api.endpoints()) {
      routes.addHttpHandler(e.method(), e.path(), e.handler(), e.role());
    }
    routes.get(OpenApi.path(), ctx -> ctx.json(openApi));
    routes.get("/healthz", ctx -> ctx.json(Map.of("status", "UP")));
    routes.get(
        "/readyz",
        ctx -> {
          Map<String, Object> body = new java.util.LinkedHashMap<>(status.get());
          boolean ok = ready.getAsBoolean();
          body.put("ready", ok);
          ctx.status(ok ? 200 : 503).json(body);
        });
    if (metrics != null) {
      routes.get(
          "/metrics",
          ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.get()));
    }
    routes.exception(Problem.class, (e, ctx) -> problem(ctx, e));
    routes.exception(
        Exception.class,
        (e, ctx) -> {
          log.error("console request {} {} failed", ctx.method(), ctx.path(), e);
          problem(ctx, Problem.internal(e));
        });
    routes.error(
        404,
        ctx -> {
          if (ctx.attribute(HANDLED) == null && ctx.path().startsWith(ConsoleApi.BASE)) {
            problem(ctx, Problem.notFound("no endpoint " + ctx.method() + " " + ctx.path()));
          }
        });
    routes.error(
        405,
        ctx -> {
          if (ctx.attribute(HANDLED) == null && ctx.path().startsWith(ConsoleApi.BASE)) {
            problem(ctx, Problem.badRequest("method " + ctx.method() + " not allowed here"));
            ctx.status(405);
          }
        });
  }

  private static void authorize(Context ctx, Authenticator authenticator) {
    Set<RouteRole> roles = ctx.routeRoles();
    if (roles.isEmpty()) {
      return;
    }
    Role needed = (Role) roles.iterator().next();
    String header = ctx.header("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw Problem.unauthorized("an 'Authorization: Bearer <token>' header is required");
    }
    String token = header.substring(7).trim();
    Principal p;
    try {
      p = authenticator.authenticate(token);
    } catch (AuthenticationException e) {
      throw Problem.unauthorized(e.getMessage());
    }
    if (!p.may(needed)) {
      throw Problem.forbidden(
          ctx.method()
              + " "
              + ctx.endpoint().path
              + " needs the "
              + needed.name().toLowerCase(Locale.ROOT)
              + " role; "
              + p.subject()
              + " has "
              + (p.roles().isEmpty() ? "no Partitrain role" : p.roles()));
    }
    ctx.attribute(ConsoleApi.PRINCIPAL, p);
  }

  private static void securityHeaders(Context ctx) {
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self';"
            + " frame-ancestors 'none'");
    if (ctx.path().startsWith(ConsoleApi.BASE)) {
      ctx.header("Cache-Control", "no-store");
    }
  }

  private static void problem(Context ctx, Problem e) {
    ctx.attribute(HANDLED, Boolean.TRUE);
    ctx.status(e.status());
    if (e.status() == 401) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"partitrain\"");
    }
    ctx.contentType(PROBLEM_JSON);
    ctx.result(Json.toString(e.body(ctx.path())));
  }

  public int port() {
    return app.port();
  }

  /** Where the page is, as a person types it. */
  public URI url(String host) {
    return URI.create("http://" + host + ":" + port() + "/");
  }

  @Override
  public void close() {
    app.stop();
  }
}
