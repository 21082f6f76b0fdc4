package io.partitrain.cli.main;

import io.partitrain.cli.CapCommands;
import io.partitrain.cli.ExitCode;
import io.partitrain.cli.FinOpsCommands;
import io.partitrain.cli.JobCommands;
import io.partitrain.cli.KafkaOptions;
import io.partitrain.cli.NotFoundException;
import io.partitrain.cli.RunCommands;
import io.partitrain.cli.ScheduleCommands;
import io.partitrain.cli.TimeArgs;
import io.partitrain.cli.UpCommand;
import io.partitrain.cli.bench.BenchCommand;
import io.partitrain.cli.demo.DemoCommand;
import io.partitrain.shared.PartitrainException;
import io.partitrain.shared.RetriableException;
import io.partitrain.shared.runtime.FatalErrors;
import java.util.List;
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
    description = "Partitioned ML training under node and cost caps: one job per data partition.")
public final class PartitrainCli {

  /**
   * The verbs, in the order the help lists them. They are added by {@link #commandLine(String...)}
   * rather than named in {@code @Command(subcommands)}: picocli builds a subcommand's whole model
   * by reflection when it is added, and building every verb's took a fifth of a {@code run show}
   * (issue 29), so a command line for one verb builds that verb only.
   */
  static final List<Class<?>> VERBS =
      List.of(
          DemoCommand.class,
          BenchCommand.class,
          UpCommand.class,
          RunCommands.class,
          ScheduleCommands.class,
          JobCommands.class,
          CapCommands.class,
          FinOpsCommands.class,
          CommandLine.HelpCommand.class);

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
    if (isVersionOnly(args)) {
      // What picocli prints for --version, without building even the root's model: its classes
      // are compiled for Java 5, which the class-data archive cannot hold (issue 29).
      System.exit(printVersion(new java.io.PrintWriter(System.out, true)));
    }
    System.exit(commandLine(args).execute(args));
  }

  static boolean isVersionOnly(String[] args) {
    return args.length == 1 && Set.of("--version", "-V").contains(args[0]);
  }

  static int printVersion(java.io.PrintWriter out) {
    try {
      for (String line : new Version().getVersion()) {
        out.println(line);
      }
      out.flush();
      return ExitCode.OK.code();
    } catch (java.io.IOException e) {
      System.err.println("partitrain: cannot read the version: " + e.getMessage());
      return ExitCode.BAD_INPUT.code();
    }
  }

  /** When the command being executed started (one command per CLI process). */
  private static volatile long executionStartedNanos = System.nanoTime();

  /** The command line with every verb and Partitrain's error handling. */
  public static CommandLine commandLine() {
    return commandLine(new String[0]);
  }

  /**
   * The command line that runs {@code args}: with their verb only when the first word names one,
   * else (help, an option, an unknown word: anything that may list or suggest verbs) with every
   * verb; {@code --version} alone with none. Errors are a one-line message, not a stack trace.
   */
  public static CommandLine commandLine(String... args) {
    CommandLine cl = new CommandLine(new PartitrainCli());
    Class<?> verb = args.length == 0 ? null : verbNamed(args[0]);
    for (Class<?> v :
        verb != null ? List.of(verb) : isVersionOnly(args) ? List.<Class<?>>of() : VERBS) {
      cl.addSubcommand(v);
    }
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

  /** The verb whose name is {@code word}; null for none, and for help, which lists them all. */
  private static Class<?> verbNamed(String word) {
    for (Class<?> v : VERBS) {
      Command c = v.getAnnotation(Command.class);
      if (v != CommandLine.HelpCommand.class && c.name().equals(word)) {
        return v;
      }
    }
    return null;
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
