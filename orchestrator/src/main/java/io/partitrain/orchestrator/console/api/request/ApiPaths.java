package io.partitrain.orchestrator.console.api.request;

import java.util.regex.Pattern;

/** Where the API lives and what an id in its paths and bodies may look like. */
public final class ApiPaths {

  /** The version prefix every endpoint lives under. */
  public static final String BASE = "/api/v1";

  /** A run, partition or plan id: what may reach a topic key, a file name or a command line. */
  public static final Pattern ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$");

  /** A compute target name ({@code cpu-cluster}, {@code local:gpu}). */
  public static final Pattern TARGET = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$");

  private ApiPaths() {}
}
