package io.partitrain.cli;

import picocli.CommandLine.Command;

/** {@code partitrain run start|show|wait|list|rerun|cancel|plan|evidence}: one file per verb. */
@Command(
    name = "run",
    description = "Start, watch, rerun and cancel runs.",
    mixinStandardHelpOptions = true,
    subcommands = {
      RunStartCommand.class,
      RunShowCommand.class,
      RunWaitCommand.class,
      RunListCommand.class,
      RunRerunCommand.class,
      RunCancelCommand.class,
      RunPlanCommand.class,
      EvidenceCommands.RunEvidenceCommand.class
    })
public final class RunCommands {

  private RunCommands() {}
}
