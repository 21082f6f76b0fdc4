package io.partitrain.cli.bench;

import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunSummary;
import java.io.PrintWriter;
import java.util.function.Consumer;

/** One progress line on stderr, rewritten as the run's snapshots arrive. */
final class BenchProgress implements Consumer<RunSummary> {
  private final PrintWriter info;
  private long lastPrint;

  BenchProgress(PrintWriter info) {
    this.info = info;
  }

  @Override
  public void accept(RunSummary s) {
    long now = System.nanoTime();
    if (now - lastPrint < 1_000_000_000L && !s.complete()) {
      return;
    }
    lastPrint = now;
    info.printf(
        "\r    %,d of %,d succeeded, %,d failed",
        s.count(PartitionState.SUCCEEDED), s.total(), s.count(PartitionState.FAILED));
    info.flush();
  }
}
