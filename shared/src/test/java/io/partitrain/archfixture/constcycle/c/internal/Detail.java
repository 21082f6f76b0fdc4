package io.partitrain.archfixture.constcycle.c.internal;

import io.partitrain.archfixture.constcycle.c.Owner;

/** The owner's implementation, which may use the owner (see Owner). */
public final class Detail {
  /** Uses the owner back. */
  public int size() {
    return Owner.A_IN_A_STRING.length();
  }
}
