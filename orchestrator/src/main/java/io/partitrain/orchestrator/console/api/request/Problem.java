package io.partitrain.orchestrator.console.api.request;

import io.partitrain.shared.PartitrainException;

/**
 * An HTTP error answered as RFC 9457 {@code application/problem+json}: a stable type, a title, the
 * status and a detail that names the field, the value and the rule.
 */
public final class Problem extends PartitrainException {

  /** Where the problem types live (relative, so they resolve against the serving host). */
  public static final String TYPE_BASE = "/api/v1/problems/";

  private final int status;
  private final String type;
  private final String title;

  private Problem(int status, String type, String title, String detail) {
    super(detail);
    this.status = status;
    this.type = type;
    this.title = title;
  }

  public static Problem badRequest(String detail) {
    return new Problem(400, "bad-request", "Bad request", detail);
  }

  public static Problem unauthorized(String detail) {
    return new Problem(401, "unauthorized", "Unauthorized", detail);
  }

  public static Problem forbidden(String detail) {
    return new Problem(403, "forbidden", "Forbidden", detail);
  }

  public static Problem notFound(String detail) {
    return new Problem(404, "not-found", "Not found", detail);
  }

  /** Existed, but this server no longer holds it (a finished run's detail evicted from memory). */
  public static Problem gone(String detail) {
    return new Problem(410, "gone", "No longer held by this console", detail);
  }

  public static Problem rejected(String detail) {
    return new Problem(409, "rejected", "Rejected by the orchestrator", detail);
  }

  public static Problem noAnswer(String detail) {
    return new Problem(504, "no-answer", "No answer from the orchestrator", detail);
  }

  /** A bug: the detail names the exception type only, never its message (it may hold data). */
  public static Problem internal(Throwable cause) {
    return new Problem(
        500, "internal", "Internal error", "internal error: " + cause.getClass().getSimpleName());
  }

  public int status() {
    return status;
  }

  /** The body: type, title, status, detail, instance. */
  public Body body(String instance) {
    return new Body(TYPE_BASE + type, title, status, getMessage(), instance);
  }

  /** The JSON body of a problem. */
  public record Body(String type, String title, int status, String detail, String instance) {}
}
