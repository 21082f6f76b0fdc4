package io.partitrain.orchestrator.console.api.command;

import io.partitrain.shared.contracts.RunCommand;

/**
 * Where the console's writes go: the commands topic, the same way the CLI sends them, so the
 * leader's loop stays the single writer of run state.
 */
public interface CommandGateway {

  /** Sends {@code command}, keyed by {@code key}; returns once the broker acknowledged it. */
  void send(String key, RunCommand command);
}
