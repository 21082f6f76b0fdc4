package io.partitrain.archfixture.constcycle.c;

import io.partitrain.archfixture.constcycle.c.internal.Detail;

/**
 * Not a violation: c names a only in comments and strings, and c with its internal package is one
 * slice. Were this comment read as code, {@link io.partitrain.archfixture.constcycle.a.First} would
 * close a cycle with a.
 */
public final class Owner {
  // io.partitrain.archfixture.constcycle.a.First
  public static final String A_IN_A_STRING = "io.partitrain.archfixture.constcycle.a.First";
  public static final String A_IN_A_TEXT_BLOCK =
      """
      io.partitrain.archfixture.constcycle.a.First "quoted"
      """;
  public static final char QUOTE = '"';

  /** Uses its internal package, which uses it back: not a cycle. */
  public static int detail() {
    return new Detail().size();
  }
}
