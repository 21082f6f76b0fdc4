package io.partitrain.orchestrator.state;

import io.partitrain.shared.contracts.CostBudget;
import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.StateSnapshot;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's money: its cap, what finished attempts cost ({@code spent}) and what attempts in flight
 * hold ({@code reserved}). Changed only by run events ({@link RunEvent.CostReserved}, {@link
 * RunEvent.CostCharged}, {@link RunEvent.CostCapChanged}), so replay rebuilds it to the cent.
 *
 * <p>The admission rule (DESIGN.md, invariant 4): {@code spent + reserved + next ≤ cap}. Since an
 * attempt's cost is at most its reservation while the backend enforces the timeout it was submitted
 * with, {@code spent ≤ cap} holds at every moment.
 */
public final class RunBudget {

  private CostBudget budget;
  private BigDecimal spent = BigDecimal.ZERO;
  private BigDecimal reserved = BigDecimal.ZERO;
  private final Map<String, RunEvent.CostReserved> open = new HashMap<>();

  RunBudget(CostBudget budget) {
    this.budget = budget;
  }

  public BigDecimal cap() {
    return budget.cap();
  }

  public String currency() {
    return budget.currency();
  }

  public BigDecimal spent() {
    return spent;
  }

  public BigDecimal reserved() {
    return reserved;
  }

  public BigDecimal remaining() {
    return budget.cap().subtract(spent).subtract(reserved);
  }

  public CostBudget budget() {
    return budget;
  }

  /** Whether an attempt reserving {@code amount} fits now. */
  public boolean fits(BigDecimal amount) {
    return spent.add(reserved).add(amount).compareTo(budget.cap()) <= 0;
  }

  /** What one attempt of {@code job} reserves; the plan loader checked price and timeout exist. */
  public Reservation reservationOf(JobSpec job) {
    BigDecimal price = budget.priceOf(job).orElse(BigDecimal.ZERO);
    Duration timeout = job.limits().timeout() == null ? Duration.ZERO : job.limits().timeout();
    return new Reservation(price, timeout, CostBudget.cost(job.nodes(), price, timeout));
  }

  /** The open reservation of an attempt, if it has one. */
  public RunEvent.CostReserved openReservation(String partitionId, int attempt) {
    return open.get(key(partitionId, attempt));
  }

  /** The accounts as a snapshot records them. */
  StateSnapshot.Budget snapshot() {
    return new StateSnapshot.Budget(budget, spent, reserved, List.copyOf(open.values()));
  }

  /** The accounts a {@link #snapshot} recorded. */
  void restore(StateSnapshot.Budget s) {
    budget = s.budget();
    spent = s.spent();
    reserved = s.reserved();
    open.clear();
    for (RunEvent.CostReserved r : s.openReservations()) {
      open.put(key(r.partitionId(), r.attempt()), r);
    }
  }

  void reserve(RunEvent.CostReserved r) {
    if (open.putIfAbsent(key(r.partitionId(), r.attempt()), r) == null) {
      reserved = reserved.add(r.amount());
    }
  }

  void charge(RunEvent.CostCharged c) {
    RunEvent.CostReserved r = open.remove(key(c.partitionId(), c.attempt()));
    if (r != null) {
      reserved = reserved.subtract(r.amount());
    }
    spent = spent.add(c.cost());
  }

  void changeCap(RunEvent.CostCapChanged c) {
    budget = budget.withCap(c.to());
  }

  private static String key(String partitionId, int attempt) {
    return partitionId + "#" + attempt;
  }

  /**
   * @param pricePerNodeHour the price used
   * @param timeout the timeout reserved for, and submitted with
   * @param amount nodes x price x timeout
   */
  public record Reservation(BigDecimal pricePerNodeHour, Duration timeout, BigDecimal amount) {}
}
