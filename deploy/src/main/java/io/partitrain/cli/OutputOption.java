package io.partitrain.cli;

import picocli.CommandLine.Option;

/**
 * {@code -o table|json}, the one output option of every command that shows something ({@code @Mixin
 * OutputOption output}): a table for people, JSON for scripts, every JSON object with a {@code
 * type}. Two commands keep an option of their own because their choices differ: {@code job render}
 * (JSON first: the request is the point) and {@code finops report} (also csv).
 */
public final class OutputOption {

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "table",
      description = "table or json (default: ${DEFAULT-VALUE})")
  OutputFormat format = OutputFormat.table;

  /** The chosen format. */
  public OutputFormat format() {
    return format;
  }

  /** Whether the answer is printed as JSON. */
  public boolean json() {
    return format == OutputFormat.json;
  }
}
