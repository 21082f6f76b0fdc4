package io.partitrain.cli;

import io.partitrain.cli.bench.BenchCommand;
import io.partitrain.cli.demo.DemoCommand;
import io.partitrain.shared.PartitrainException;
import io.partitrain.shared.RetriableException;
import io.partitrain.shared.runtime.FatalErrors;
import java.util.Set;
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
      BenchCommand.class,
      UpCommand.class,
      RunCommands.class,
      ScheduleCommands.class,
      JobCommands.class,
      CapCommands.class,
      FinOpsCommands.class,
      CommandLine.HelpCommand.class
    })
public final class PartitrainCli {

  /** Verbs that run services in this process; their Kafka client logs are worth seeing. */
  private static final Set<String> SERVICE_VERBS = Set.of("demo", "up", "bench");

  /** Log level of the all-in-one runnable; logs go to stderr, results to stdout. */
  public static final String LOG_LEVEL_ENV = "PARTITRAIN_LOG_LEVEL";

  public static void main(String[] args) {
    // demo, up and bench run services in this process: out of memory, it exits at once (code 3).
    FatalErrors.install("cli");
    // Before any logger exists: the CLI prints results, so its own logs stay at WARN unless asked.
    String level = System.getenv(LOG_LEVEL_ENV);
    boolean quiet = level == null || level.isBlank();
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", quiet ? "warn" : level);
    if (quiet && (args.length == 0 || !SERVICE_VERBS.contains(args[0]))) {
      // A CLI command reports a broker it cannot reach in one line of its own; Kafka's client would
      // add a WARN line per reconnect attempt.
      System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "off");
    }
    System.exit(commandLine().execute(args));
  }

  /** When the command being executed started (one command per CLI process). */
  private static volatile long executionStartedNanos = System.nanoTime();

  /** The command line with Partitrain's error handling: a one-line message, not a stack trace. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new PartitrainCli());
    cl.registerConverter(java.time.Instant.class, new TimeArgs.TimeConverter());
    cl.registerConverter(java.time.Duration.class, new TimeArgs.DurationConverter());
    setInvalidInputExitCode(cl);
    cl.setExecutionStrategy(PartitrainCli::refuseUnmatchedThenRun);
    cl.setParameterExceptionHandler(PartitrainCli::badInput);
    cl.setExecutionExceptionHandler(
        (ex, cmd, parse) -> {
          if (isKafkaTimeout(ex)) {
            cmd.getErr().println("partitrain: " + unreachable(cmd));
            return ExitCode.UNREACHABLE.code();
          }
          cmd.getErr().println("partitrain: " + ex.getMessage());
          if (ex instanceof NotFoundException) {
            return ExitCode.NOT_FOUND.code();
          }
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

  private static boolean isKafkaTimeout(Throwable ex) {
    for (Throwable t = ex; t != null; t = t.getCause()) {
      if (t instanceof org.apache.kafka.common.errors.TimeoutException) {
        return true;
      }
    }
    return false;
  }

  /** Names the servers tried and the setting that chose them. */
  private static String unreachable(CommandLine cmd) {
    // What the person waited, not the timeout of one call: a silent address costs several calls
    // (issue 23, item 7: "no answer within 3 s" arrived after 6.1 s).
    double waited = (System.nanoTime() - executionStartedNanos) / 1e9;
    String noAnswer =
        String.format(
            java.util.Locale.ROOT,
            "no answer in %.1f s (each call waits at most %d s)",
            waited,
            KafkaOptions.CALL_TIMEOUT.toSeconds());
    CommandLine.Model.CommandSpec mixin = cmd.getCommandSpec().mixins().get("kafka");
    if (mixin != null && mixin.userObject() instanceof KafkaOptions k) {
      return k.unreachable(noAnswer);
    }
    return "cannot reach Kafka: " + noAnswer;
  }

  /**
   * Picocli lets an unknown word pass when {@code --help} is also given ({@code finops reconcile
   * --help} printed the parent's help and exited 0, as if the verb existed): an unmatched word is
   * refused before anything runs, help or not.
   */
  private static int refuseUnmatchedThenRun(CommandLine.ParseResult parse) {
    executionStartedNanos = System.nanoTime();
    for (CommandLine.ParseResult p = parse; p != null; p = p.subcommand()) {
      if (!p.unmatched().isEmpty()) {
        throw new CommandLine.UnmatchedArgumentException(
            p.commandSpec().commandLine(), p.unmatched());
      }
    }
    return new CommandLine.RunLast().execute(parse);
  }

  /** Picocli's message for bad input, plus the known subcommands where a verb was unknown. */
  private static int badInput(CommandLine.ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    java.io.PrintWriter err = cmd.getErr();
    err.println(ex.getMessage());
    if (ex instanceof CommandLine.UnmatchedArgumentException u) {
      CommandLine.UnmatchedArgumentException.printSuggestions(u, err);
      if (!cmd.getSubcommands().isEmpty()) {
        err.println(
            "known subcommands of '"
                + cmd.getCommandSpec().qualifiedName()
                + "': "
                + String.join(", ", new java.util.TreeSet<>(cmd.getSubcommands().keySet())));
      }
    }
    err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
    return cmd.getCommandSpec().exitCodeOnInvalidInput();
  }

  /** A bad option is bad input (1), not picocli's default 2, which means "rejected" here. */
  private static void setInvalidInputExitCode(CommandLine cl) {
    cl.getCommandSpec().exitCodeOnInvalidInput(ExitCode.BAD_INPUT.code());
    cl.getSubcommands().values().forEach(PartitrainCli::setInvalidInputExitCode);
  }

  /** The version the build wrote into {@code version.properties}, and the Java it runs on. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws java.io.IOException {
      java.util.Properties p = new java.util.Properties();
      try (var in = PartitrainCli.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          p.load(in);
        }
      }
      return new String[] {
        "partitrain "
            + p.getProperty("version", "(unknown version: built without Maven)")
            + (p.getProperty("built") == null ? "" : " (built " + p.getProperty("built") + ")"),
        "Java "
            + System.getProperty("java.version")
            + " ("
            + System.getProperty("java.vendor")
            + ")"
      };
    }
  }
}
