package io.partitrain.cli;

import picocli.CommandLine.Command;

/** {@code partitrain job render|logs}: look at a job before it runs, and read its log. */
@Command(
    name = "job",
    description = "Inspect jobs.",
    mixinStandardHelpOptions = true,
    subcommands = {JobRenderCommand.class, JobLogsCommand.class})
public final class JobCommands {}
