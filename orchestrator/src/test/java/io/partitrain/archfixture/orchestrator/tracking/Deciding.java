package io.partitrain.archfixture.orchestrator.tracking;

import io.partitrain.archfixture.orchestrator.state.LeakyState;

/** Uses the state, as tracking may (see ArchitectureTest). */
public class Deciding {
  LeakyState state;
}
