package io.partitrain.archfixture.cycle.b;

import io.partitrain.archfixture.cycle.a.A;

/** Planted violation: package b uses a, and a uses b (see ArchitectureRulesTest). */
public class B {
  A a;
}
