package io.partitrain.cli;

import picocli.CommandLine.Command;

/**
 * {@code partitrain job render|show|logs}: look at a job before it runs, what it did, and its log.
 */
@Command(
    name = "job",
    description = "Inspect jobs.",
    mixinStandardHelpOptions = true,
    subcommands = {JobRenderCommand.class, EvidenceCommands.JobShow.class, JobLogsCommand.class})
public final class JobCommands {}
