package io.partitrain.worker.backend.azureml;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.partitrain.assets.ArmRequest;
import io.partitrain.worker.backend.azureml.internal.ArmTransport;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells listeners when the ARM circuit breaker makes the backend stop or resume taking work, and
 * probes ARM with cheap reads while the breaker is half-open, so that it closes once ARM answers.
 */
final class BreakerSignal implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(BreakerSignal.class);

  private final ArmTransport transport;
  private final ArmPaths paths;
  private final int probeCalls;
  private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();
  private final ExecutorService prober;
  private volatile boolean lastAccepting = true;

  BreakerSignal(ArmTransport transport, ArmPaths paths, int probeCalls) {
    this.transport = transport;
    this.paths = paths;
    this.probeCalls = probeCalls;
    this.prober =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "azureml-breaker-probe");
              t.setDaemon(true);
              return t;
            });
    transport
        .breaker()
        .getEventPublisher()
        .onStateTransition(e -> onTransition(e.getStateTransition()));
  }

  /** Called with the new value each time the backend's {@code acceptingWork()} changes. */
  void onChange(Consumer<Boolean> listener) {
    listeners.add(Objects.requireNonNull(listener));
  }

  private void onTransition(CircuitBreaker.StateTransition transition) {
    LOG.warn("ARM circuit breaker {}", transition);
    boolean now = transport.acceptingWork();
    if (transition.getToState() == CircuitBreaker.State.HALF_OPEN) {
      prober.execute(this::probe);
    }
    if (now != lastAccepting) {
      lastAccepting = now;
      LOG.warn(now ? "ARM answers again: taking new work" : "ARM keeps failing: pausing new work");
      for (Consumer<Boolean> l : listeners) {
        l.accept(now);
      }
    }
  }

  /** Cheap reads through the breaker while half-open: their success closes it. */
  private void probe() {
    for (int i = 0; i < probeCalls; i++) {
      if (transport.breaker().getState() != CircuitBreaker.State.HALF_OPEN) {
        return;
      }
      try {
        transport.executeOnce(
            new ArmRequest("probe", "GET", paths.listByTagUrl("partitrain.probe"), null));
      } catch (RuntimeException e) {
        LOG.debug("ARM probe failed: {}", e.getMessage());
      }
    }
  }

  @Override
  public void close() {
    prober.shutdownNow();
  }
}
