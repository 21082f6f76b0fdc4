package io.partitrain.worker.backend.azureml.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.assets.ArmRequest;
import io.partitrain.assets.ArmResponse;
import io.partitrain.worker.backend.azureml.ArmPaths;
import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what the workspace's run history says of one job: the service's own start and end times and
 * its error code. ARM's job resource (api-version 2025-12-01) carries only the status, so this is
 * the one place that knows whether a job the process never saw running did run, and for how long.
 * The studio and {@code az ml job stream} read the same record.
 *
 * <p>The host comes from ARM: the workspace's {@code properties.discoveryUrl} (for example {@code
 * https://westeurope.api.azureml.ms/discovery}), read once. Calls use the same pipeline and token
 * as ARM calls (the run-history API accepts the ARM audience).
 *
 * <p>Biggest advantage: failure classes and billable time come from the service, so an adopted job
 * is judged like one this process watched from the start. Biggest limitation: one more read per
 * terminal job, and a job whose record cannot be read falls back to what this process saw.
 */
public final class RunHistory {

  private static final Logger LOG = LoggerFactory.getLogger(RunHistory.class);

  /**
   * One run-history record.
   *
   * @param startTime when the job started running, if it did
   * @param endTime when it ended, if it did
   * @param errorCode the top-level error code ({@code UserError}, {@code SystemError}, ...), if any
   * @param errorMessage the error's message, if any (never a secret: it is the job's own text)
   */
  public record Details(
      Instant startTime, Instant endTime, String errorCode, String errorMessage) {}

  private final ArmTransport transport;
  private final ArmPaths paths;
  private volatile String base;

  public RunHistory(ArmTransport transport, ArmPaths paths) {
    this.transport = transport;
    this.paths = paths;
  }

  /** The record of a job, or empty when the run history cannot be read now. */
  public Optional<Details> details(String jobName) {
    try {
      String host = base();
      if (host == null) {
        return Optional.empty();
      }
      ArmResponse r =
          transport.execute(
              new ArmRequest(
                  "history.get",
                  "GET",
                  host + "/history/v1.0" + paths.workspaceId() + "/runs/" + jobName,
                  null));
      if (r.status() != 200 || r.body() == null) {
        LOG.info(
            "run history of job {} answered {} {}",
            jobName,
            r.status(),
            ArmResponse.armError(r.body()));
        return Optional.empty();
      }
      JsonNode b = r.body();
      JsonNode error = b.path("error").path("error");
      return Optional.of(
          new Details(
              instant(b.path("startTimeUtc")),
              instant(b.path("endTimeUtc")),
              text(error.path("code")),
              text(error.path("message"))));
    } catch (RuntimeException e) {
      LOG.info("run history of job {} not read: {}", jobName, e.getMessage());
      return Optional.empty();
    }
  }

  /** The run-history base URL ({@code https://host[:port]}), from the workspace, read once. */
  private String base() {
    String b = base;
    if (b != null) {
      return b;
    }
    ArmResponse ws =
        transport.execute(new ArmRequest("workspace.get", "GET", paths.workspaceUrl(), null));
    String discovery = ws.status() == 200 ? text(ws.body().at("/properties/discoveryUrl")) : null;
    if (discovery == null) {
      LOG.info("workspace answered {} without a discoveryUrl; no run history", ws.status());
      return null;
    }
    URI u = URI.create(discovery);
    transport.allowWorkspaceHost(u);
    b = u.getScheme() + "://" + u.getHost() + (u.getPort() == -1 ? "" : ":" + u.getPort());
    base = b;
    return b;
  }

  private static String text(JsonNode n) {
    return n == null || n.isMissingNode() || n.isNull() || n.asText().isBlank() ? null : n.asText();
  }

  private static Instant instant(JsonNode n) {
    String s = text(n);
    if (s == null) {
      return null;
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      return java.time.OffsetDateTime.parse(s).toInstant();
    }
  }
}
