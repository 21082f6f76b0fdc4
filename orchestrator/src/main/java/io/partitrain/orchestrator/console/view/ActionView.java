package io.partitrain.orchestrator.console.view;

import java.time.Instant;

/**
 * A person's decision on a run as the orchestrator answered it: a rerun, a cancel, a cap change, or
 * a rejected command, with the authenticated principal and the reason they gave.
 */
public record ActionView(
    String type, String commandId, String requestedBy, String reason, String detail, Instant at) {}
