package io.partitrain.archfixture.cycle.a;

import io.partitrain.archfixture.cycle.b.B;

/** Planted violation: package a uses b, and b uses a (see ArchitectureRulesTest). */
public class A {
  B b;

  /** Planted violation: eight positional parameters (see ArchitectureRulesTest). */
  public A(int a, int b, int c, int d, int e, int f, int g, int h) {}
}
