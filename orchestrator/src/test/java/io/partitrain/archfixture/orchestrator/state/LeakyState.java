package io.partitrain.archfixture.orchestrator.state;

import io.partitrain.archfixture.orchestrator.tracking.Deciding;

/** Planted violation: the state layer reaching up into tracking (see ArchitectureTest). */
public class LeakyState {
  Deciding tracker;
}
