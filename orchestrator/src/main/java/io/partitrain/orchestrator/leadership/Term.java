package io.partitrain.orchestrator.leadership;

/**
 * What one leadership term runs: the orchestrator's loop, started on its own thread when this
 * instance becomes leader, and closed (after its current transaction) when it stops leading. An
 * interface here so that leadership depends on nothing above it.
 */
public interface Term extends Runnable, AutoCloseable {

  /** Whether the term's loop has ended by itself (fenced, lease lost, failed). */
  boolean isStopped();

  /**
   * Whether the term's loop stopped on an error it cannot recover from (not fenced, not closed):
   * the elector counts these and gives up after a bound, so the process exits non-zero.
   */
  default boolean hasFailed() {
    return false;
  }

  /** Ends the term after its current transaction. */
  @Override
  void close();
}
