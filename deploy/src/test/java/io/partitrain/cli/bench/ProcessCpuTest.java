package io.partitrain.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProcessCpuTest {

  @Test
  void ticksAreCountedFromTheLastParenthesisSoANameWithSpacesAndParenthesesCannotShiftThem() {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
    String stat = "4242 (C2 (Compiler) 1) S 1 4242 4242 0 -1 4194368 10 0 0 0 731 29 0 0 20 0 1 0";

    assertThat(ProcessCpu.ticks(stat)).isEqualTo(731 + 29);
  }

  @Test
  void hotSpotsCompilerAndCollectorThreadsAreToldFromTheRest() {
    assertThat(ProcessCpu.isCompiler("C2 CompilerThre")).isTrue();
    assertThat(ProcessCpu.isCompiler("C1 CompilerThre")).isTrue();
    assertThat(ProcessCpu.isCompiler("committer-orche")).isFalse();
    assertThat(ProcessCpu.isGc("GC Thread#1")).isTrue();
    assertThat(ProcessCpu.isGc("G1 Conc#0")).isTrue();
    assertThat(ProcessCpu.isGc("G1 Refine#0")).isTrue();
    assertThat(ProcessCpu.isGc("group-coordinat")).isFalse();
  }

  @Test
  void workDoneBetweenTwoReadingsIsCountedAndDividedPerUnit() {
    assumeThat(Files.isDirectory(Path.of("/proc/self/task"))).as("Linux").isTrue();
    ProcessCpu.Reading before = ProcessCpu.read();
    long spent = burnCpu(300_000_000L);

    BenchReport.Cpu cpu = before.until(ProcessCpu.read(), 1000);

    // This thread alone used `spent` ns of CPU (its own clock); the process used at least that.
    assertThat(cpu.seconds()).isGreaterThanOrEqualTo(spent / 1e9 - 0.001);
    assertThat(cpu.compilerSeconds()).isBetween(0.0, cpu.seconds());
    assertThat(cpu.gcSeconds()).isBetween(0.0, cpu.seconds());
    assertThat(cpu.microsPerUnit()).isEqualTo(BenchReport.round(cpu.seconds() * 1e6 / 1000));
    assertThat(cpu.microsPerUnitOutsideCompiler())
        .isCloseTo((cpu.seconds() - cpu.compilerSeconds()) * 1e6 / 1000, within(0.01))
        .isLessThanOrEqualTo(cpu.microsPerUnit());
  }

  /** Spins until this thread has used {@code nanos} of CPU; returns what it used. */
  private static long burnCpu(long nanos) {
    var threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long start = threads.getCurrentThreadCpuTime();
    long x = 1;
    while (threads.getCurrentThreadCpuTime() - start < nanos) {
      for (int i = 0; i < 10_000; i++) {
        x = x * 6364136223846793005L + 1442695040888963407L;
      }
    }
    assertThat(x).isNotEqualTo(0L);
    return threads.getCurrentThreadCpuTime() - start;
  }
}
