package io.partitrain.shared.contracts;

/**
 * The message schema version. Every message carries it as {@code schemaVersion}; readers ignore
 * unknown fields, so adding a field does not need a new version, while removing or changing the
 * meaning of one does.
 */
public final class Schema {

  /** The version this code writes. */
  public static final int VERSION = 1;

  private Schema() {}
}
