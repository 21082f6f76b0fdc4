package io.partitrain.archfixture.constcycle.a;

import static io.partitrain.archfixture.constcycle.b.Second.SUFFIX;

import io.partitrain.archfixture.constcycle.c.Owner;

/**
 * Planted violation: a and b use only each other's constants, which javac inlines, so the cycle is
 * in the source but not in the bytecode (see ArchitectureRulesTest).
 */
public final class First {
  public static final String PREFIX = "first";
  public static final String NAME = PREFIX + SUFFIX;

  private First() {}

  /** A use of c that stays in the bytecode. */
  public static String owner() {
    return Owner.class.getSimpleName();
  }
}
