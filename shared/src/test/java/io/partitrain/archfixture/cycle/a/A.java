package io.partitrain.archfixture.cycle.a;

import io.partitrain.archfixture.cycle.b.B;

/** Planted violation: package a uses b, and b uses a (see ArchitectureRulesTest). */
public class A {
  B b;
}
