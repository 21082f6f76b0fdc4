package io.partitrain.shared.runtime;

import java.io.PrintStream;

/**
 * Makes a process that hits a fatal JVM error (above all {@link OutOfMemoryError}) exit at once,
 * non-zero, instead of living on half-dead: a thread that died of it leaves the others running (an
 * orchestrator without its loop, a worker without its watcher), and nothing restarts what looks
 * alive. A supervisor (Kubernetes, systemd, the shell) restarts a process that exited, and the new
 * one rebuilds its state from the topics.
 *
 * <p>This is the backstop; the first line is the JVM flag {@code -XX:+ExitOnOutOfMemoryError},
 * which the launch script, the Dockerfiles and the Kubernetes manifests set, and which also covers
 * an OutOfMemoryError that a library catches. The exit code is {@value #EXIT_CODE}, the one the JVM
 * flag uses, so both look the same to a supervisor.
 */
public final class FatalErrors {

  /**
   * The exit code of a process stopped by a fatal error (as {@code -XX:+ExitOnOutOfMemoryError}).
   */
  public static final int EXIT_CODE = 3;

  private FatalErrors() {}

  /**
   * Installs the default handler of uncaught exceptions for {@code service}: a {@link
   * VirtualMachineError} (out of memory, stack overflow, internal error) halts the process with
   * {@link #EXIT_CODE} without running shutdown hooks (they may need the memory that ran out); any
   * other uncaught exception is printed, as the JVM's own handler does, and the process goes on.
   */
  public static void install(String service) {
    Thread.setDefaultUncaughtExceptionHandler(
        (thread, e) -> handle(service, thread, e, System.err, Runtime.getRuntime()::halt));
  }

  /** What the handler does, with the exit injected (for tests). */
  static void handle(
      String service,
      Thread thread,
      Throwable e,
      PrintStream err,
      java.util.function.IntConsumer halt) {
    if (e instanceof VirtualMachineError) {
      // No logger and no string building beyond this line: the heap may be exhausted.
      err.println(
          "partitrain "
              + service
              + ": fatal "
              + e.getClass().getName()
              + " in thread "
              + thread.getName()
              + "; exiting with code "
              + EXIT_CODE
              + " so that a supervisor restarts the process");
      err.flush();
      halt.accept(EXIT_CODE);
      return;
    }
    err.print("Exception in thread \"" + thread.getName() + "\" ");
    e.printStackTrace(err);
  }
}
