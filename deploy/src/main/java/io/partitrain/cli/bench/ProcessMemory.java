package io.partitrain.cli.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's memory as the operating system sees it ({@code /proc/self/status}: resident now
 * and its peak) and as the JVM sees it: heap in use now, and {@code heapPeakMiB}, the sum of the
 * heap pools' peaks (an upper bound of the peak heap, as the pools peak at different times). Off
 * Linux the resident figures are -1.
 */
public record ProcessMemory(
    long residentMiB, long peakResidentMiB, long heapUsedMiB, long heapPeakMiB, long heapMaxMiB) {

  static ProcessMemory now() {
    long rss = -1;
    long hwm = -1;
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = kib(line) / 1024;
        } else if (line.startsWith("VmHWM:")) {
          hwm = kib(line) / 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux: resident memory unknown.
    }
    var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return new ProcessMemory(rss, hwm, heap.getUsed() >> 20, peak >> 20, heap.getMax() >> 20);
  }

  private static long kib(String line) {
    return Long.parseLong(line.replaceAll("[^0-9]", ""));
  }
}
