package io.partitrain.archfixture.constcycle.b;

/** Planted violation: b uses a's constant by its qualified name (see First). */
public final class Second {
  public static final String SUFFIX =
      "-after-" + io.partitrain.archfixture.constcycle.a.First.PREFIX;

  private Second() {}
}
