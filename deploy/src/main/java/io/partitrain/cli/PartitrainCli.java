package io.partitrain.cli;

import io.partitrain.cli.demo.DemoCommand;
import io.partitrain.shared.PartitrainException;
import io.partitrain.shared.RetriableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code partitrain}: the command line. Verbs are shaped like {@code az ml job}; every command that
 * shows something takes {@code -o table|json}.
 *
 * <p>Exit codes scripts can trust ({@link ExitCode}): 0 done; 1 bad input (a refused plan, a bad
 * option); 2 the orchestrator rejected the command; 3 not found; 4 Kafka or the orchestrator did
 * not answer.
 */
@Command(
    name = "partitrain",
    mixinStandardHelpOptions = true,
    versionProvider = PartitrainCli.Version.class,
    description = "Partitioned ML training under node and cost caps: one job per data partition.",
    subcommands = {
      DemoCommand.class,
      UpCommand.class,
      RunCommands.class,
      ScheduleCommands.class,
      JobCommands.class,
      CapCommands.class,
      FinOpsCommands.class,
      CommandLine.HelpCommand.class
    })
public final class PartitrainCli {

  /** Log level of the all-in-one runnable; logs go to stderr, results to stdout. */
  public static final String LOG_LEVEL_ENV = "PARTITRAIN_LOG_LEVEL";

  public static void main(String[] args) {
    // Before any logger exists: the CLI prints results, so its own logs stay at WARN unless asked.
    String level = System.getenv(LOG_LEVEL_ENV);
    System.setProperty(
        "org.slf4j.simpleLogger.defaultLogLevel",
        level == null || level.isBlank() ? "warn" : level);
    System.exit(commandLine().execute(args));
  }

  /** The command line with Partitrain's error handling: a one-line message, not a stack trace. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new PartitrainCli());
    setInvalidInputExitCode(cl);
    cl.setExecutionExceptionHandler(
        (ex, cmd, parse) -> {
          cmd.getErr().println("partitrain: " + ex.getMessage());
          if (ex instanceof RetriableException
              || ex instanceof org.apache.kafka.common.KafkaException) {
            return ExitCode.UNREACHABLE.code();
          }
          if (ex instanceof PartitrainException || ex instanceof IllegalArgumentException) {
            return ExitCode.BAD_INPUT.code();
          }
          ex.printStackTrace(cmd.getErr());
          return ExitCode.BAD_INPUT.code();
        });
    return cl;
  }

  /** A bad option is bad input (1), not picocli's default 2, which means "rejected" here. */
  private static void setInvalidInputExitCode(CommandLine cl) {
    cl.getCommandSpec().exitCodeOnInvalidInput(ExitCode.BAD_INPUT.code());
    cl.getSubcommands().values().forEach(PartitrainCli::setInvalidInputExitCode);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = PartitrainCli.class.getPackage().getImplementationVersion();
      return new String[] {"partitrain " + (v == null ? "dev" : v)};
    }
  }
}
