package io.partitrain.cli;

import picocli.CommandLine.Command;

/** {@code partitrain job render|show}: look at a job before it runs, and what it did. */
@Command(
    name = "job",
    description = "Inspect jobs.",
    mixinStandardHelpOptions = true,
    subcommands = {JobRenderCommand.class, EvidenceCommands.JobShow.class})
public final class JobCommands {}
