package io.partitrain.cli.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time this process used over a stretch of the benchmark: all of it (every thread, user and
 * system, the embedded broker's included), and the parts the JVM's JIT compiler threads and its
 * garbage collector threads used.
 *
 * <p>Why it is measured: on a machine shared with other work a run's wall seconds vary by a factor
 * of two, its CPU seconds much less; and in this process (broker, clients and Partitrain in one
 * JVM) the JIT compiler is never done: on this project's 2-core machine its threads used 40-50% of
 * the CPU of a timed 10,000-partition run, even after a warm-up of 100,000 partitions
 * (docs/performance.md, "Where the CPU goes"). The CPU per partition outside the compiler is what a
 * long-running service pays.
 *
 * <p>The per-thread figures come from {@code /proc/self/task/<tid>/stat} (Linux; -1 elsewhere), in
 * clock ticks of 10 ms ({@code USER_HZ}, 100 on Linux). A compiler or GC thread that exits during
 * the stretch takes its time with it, so those figures are lower bounds.
 */
final class ProcessCpu {

  /** Linux's {@code USER_HZ}: the unit of the tick counts in {@code /proc/<pid>/stat}. */
  private static final double TICKS_PER_SECOND = 100;

  private static final Path TASKS = Path.of("/proc/self/task");

  /** The clocks at one moment; {@link #until} subtracts two. */
  record Reading(long processNanos, long compilerTicks, long gcTicks) {

    /** What the process used from this reading to {@code later}. */
    BenchReport.Cpu until(Reading later, long units) {
      double seconds = (later.processNanos - processNanos) / 1e9;
      double compiler =
          compilerTicks < 0 || later.compilerTicks < 0
              ? -1
              : (later.compilerTicks - compilerTicks) / TICKS_PER_SECOND;
      double gc =
          gcTicks < 0 || later.gcTicks < 0 ? -1 : (later.gcTicks - gcTicks) / TICKS_PER_SECOND;
      double outsideCompiler = compiler < 0 ? seconds : Math.max(0, seconds - compiler);
      return new BenchReport.Cpu(
          BenchReport.round(seconds),
          BenchReport.round(compiler),
          BenchReport.round(gc),
          BenchReport.round(seconds * 1e6 / units),
          BenchReport.round(outsideCompiler * 1e6 / units));
    }
  }

  private ProcessCpu() {}

  /** The process's CPU clocks now. */
  static Reading read() {
    long process = -1;
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      process = os.getProcessCpuTime();
    }
    long compiler = 0;
    long gc = 0;
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
      for (Path task : tasks) {
        String name;
        String stat;
        try {
          name = Files.readString(task.resolve("comm")).strip();
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException e) {
          continue; // the thread ended between the listing and the read
        }
        if (isCompiler(name)) {
          compiler += ticks(stat);
        } else if (isGc(name)) {
          gc += ticks(stat);
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux (or no /proc): the per-thread figures are unknown.
      return new Reading(process, -1, -1);
    }
    return new Reading(process, compiler, gc);
  }

  /** HotSpot's compiler threads: {@code C1 CompilerThread0}, {@code C2 CompilerThread1}. */
  static boolean isCompiler(String threadName) {
    return threadName.startsWith("C1 CompilerThre") || threadName.startsWith("C2 CompilerThre");
  }

  /**
   * HotSpot's collector threads: the parallel workers of G1 and Parallel ({@code GC Thread#0}) and
   * G1's concurrent ones ({@code G1 Conc#0}, {@code G1 Refine#0}, {@code G1 Main Marker}, ...).
   */
  static boolean isGc(String threadName) {
    return threadName.startsWith("GC Thread") || threadName.startsWith("G1 ");
  }

  /**
   * User plus system ticks from a {@code stat} line. The thread's name (field 2, in parentheses)
   * may hold spaces and parentheses, so the fields are counted from the last ')': utime and stime
   * are fields 14 and 15 of the line, the 12th and 13th after it.
   */
  static long ticks(String stat) {
    String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(after[11]) + Long.parseLong(after[12]);
  }
}
