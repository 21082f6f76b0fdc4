package io.partitrain.archfixture.internals.lib;

import io.partitrain.archfixture.internals.lib.internal.Hidden;

/** Allowed: the owner of {@code lib.internal} uses it. */
public class Api {
  Hidden hidden;
}
