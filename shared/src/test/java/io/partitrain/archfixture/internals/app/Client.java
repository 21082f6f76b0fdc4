package io.partitrain.archfixture.internals.app;

import io.partitrain.archfixture.internals.lib.internal.Hidden;

/** Planted violation: reaches into another package's internals (see ArchitectureRulesTest). */
public class Client {
  Hidden hidden;
}
