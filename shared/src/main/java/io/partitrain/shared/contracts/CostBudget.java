package io.partitrain.shared.contracts;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A run's money cap and the prices it is measured with (plan.yml {@code budget:}).
 *
 * <pre>
 * budget:
 *   cap: 120.00                 # the most the run may cost, in currency
 *   currency: EUR               # ISO 4217 code, default USD
 *   prices:                     # price per node-hour, by instance_type, else by compute target
 *     Standard_DS3_v2: 0.27
 *     local: 0.10
 * </pre>
 *
 * <p>Admission reserves an attempt's worst case ({@link #reservation}: nodes x price x timeout) and
 * the attempt is submitted with exactly that timeout, so an attempt can never cost more than it
 * reserved while the backend enforces its timeout (DESIGN.md, invariant 4).
 *
 * @param cap the cap, at least 0
 * @param currency the currency of {@code cap} and of every price
 * @param prices price per node-hour, keyed by {@code resources.instance_type} or compute target
 */
public record CostBudget(BigDecimal cap, String currency, Map<String, BigDecimal> prices) {

  public static final String DEFAULT_CURRENCY = "USD";

  /**
   * Money is kept to this many decimals; reservations and costs round up, so cost ≤ reservation.
   */
  public static final int MONEY_SCALE = 6;

  private static final BigDecimal MILLIS_PER_HOUR = BigDecimal.valueOf(3_600_000L);

  /**
   * The largest cap or price taken: far above any real budget, and small enough that sums of
   * reservations of a million partitions stay exact and printable.
   */
  public static final BigDecimal MAX_AMOUNT = new BigDecimal("1000000000");

  /** The rule every cap and price follows. */
  public static final String AMOUNT_RULE = "must be a number from 0 to " + MAX_AMOUNT;

  public CostBudget {
    Objects.requireNonNull(cap, "budget.cap");
    if (!isAmount(cap)) {
      throw new IllegalArgumentException(
          "budget.cap = '" + cap.toPlainString() + "': " + AMOUNT_RULE);
    }
    currency = currency == null || currency.isBlank() ? DEFAULT_CURRENCY : currency;
    prices = prices == null ? Map.of() : Map.copyOf(new TreeMap<>(prices));
    prices.forEach(
        (k, v) -> {
          if (v == null || !isAmount(v)) {
            throw new IllegalArgumentException(
                "budget.prices." + k + " = '" + v + "': " + AMOUNT_RULE);
          }
        });
  }

  /** The same budget with another cap (an operator raised or lowered it). */
  /** Whether {@code x} is a cap or price this tool takes ({@link #AMOUNT_RULE}). */
  public static boolean isAmount(BigDecimal x) {
    return x != null && x.signum() >= 0 && x.compareTo(MAX_AMOUNT) <= 0;
  }

  public CostBudget withCap(BigDecimal newCap) {
    return new CostBudget(newCap, currency, prices);
  }

  /** The price per node-hour of a job: by instance type, else by compute target. */
  public Optional<BigDecimal> priceOf(JobSpec job) {
    String type = job.resources().instanceType();
    if (type != null && prices.containsKey(type)) {
      return Optional.of(prices.get(type));
    }
    return Optional.ofNullable(prices.get(job.computeTarget()));
  }

  /** {@code nodes × price/h × duration}, rounded up to {@link #MONEY_SCALE} decimals. */
  public static BigDecimal cost(int nodes, BigDecimal pricePerNodeHour, Duration billable) {
    long millis = Math.max(0, billable.toMillis());
    return pricePerNodeHour
        .multiply(BigDecimal.valueOf(nodes))
        .multiply(BigDecimal.valueOf(millis))
        .divide(MILLIS_PER_HOUR, MONEY_SCALE, RoundingMode.CEILING);
  }
}
