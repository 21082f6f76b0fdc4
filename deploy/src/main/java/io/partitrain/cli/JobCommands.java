package io.partitrain.cli;

import picocli.CommandLine.Command;

/** {@code partitrain job render}: look at a job before it runs. */
@Command(
    name = "job",
    description = "Inspect jobs.",
    mixinStandardHelpOptions = true,
    subcommands = {JobRenderCommand.class})
public final class JobCommands {}
