package io.partitrain.shared.plan;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.shared.contracts.CostBudget;
import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.shared.contracts.PartitionSpec;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Reads and checks a plan's {@code budget:} section (the cost cap). */
final class BudgetReader {

  static final String CURRENCY_RULE = "^[A-Z]{3}$";
  private static final Pattern CURRENCY = Pattern.compile(CURRENCY_RULE);

  private BudgetReader() {}

  /** The budget, or null when the plan has none (or it is broken: then {@code v} says why). */
  static CostBudget read(JsonNode b, String file, List<PlanViolation> v) {
    if (b.isMissingNode() || b.isNull()) {
      return null;
    }
    int before = v.size();
    if (!b.isObject()) {
      v.add(
          new PlanViolation(
              file, "budget", b.toString(), "must be a mapping with cap, currency, prices"));
      return null;
    }
    b.fieldNames()
        .forEachRemaining(
            k -> {
              if (!List.of("cap", "currency", "prices").contains(k)) {
                v.add(
                    new PlanViolation(
                        file,
                        "budget." + k,
                        b.get(k).toString(),
                        KeyCheck.unknownRule(
                            k, List.of("cap", "currency", "prices"), "budget key")));
              }
            });
    JsonNode capNode = b.get("cap");
    BigDecimal cap = amount(capNode);
    if (cap == null) {
      v.add(
          new PlanViolation(
              file,
              "budget.cap",
              capNode == null ? null : capNode.asText(),
              "is required and " + CostBudget.AMOUNT_RULE));
    }
    String currency = b.path("currency").asText(CostBudget.DEFAULT_CURRENCY);
    if (!CURRENCY.matcher(currency).matches()) {
      v.add(
          new PlanViolation(
              file,
              "budget.currency",
              currency,
              "must be an ISO 4217 code matching " + CURRENCY_RULE));
    }
    Map<String, BigDecimal> prices = new LinkedHashMap<>();
    JsonNode p = b.path("prices");
    if (!p.isObject() || p.isEmpty()) {
      v.add(
          new PlanViolation(
              file,
              "budget.prices",
              p.isMissingNode() ? null : p.toString(),
              "is required: price per node-hour by instance_type or compute target, e.g. {local: 0.10}"));
    } else {
      p.fields()
          .forEachRemaining(
              e -> {
                BigDecimal price = amount(e.getValue());
                if (price == null) {
                  v.add(
                      new PlanViolation(
                          file,
                          "budget.prices." + e.getKey(),
                          e.getValue().asText(),
                          CostBudget.AMOUNT_RULE));
                } else {
                  prices.put(e.getKey(), price);
                }
              });
    }
    return v.size() > before ? null : new CostBudget(cap, currency, prices);
  }

  /**
   * A cap or price, or null when {@code n} is not one: not a number, negative, above {@link
   * CostBudget#MAX_AMOUNT}, or beyond what a double holds ({@code 1e999} reads as infinity).
   */
  private static BigDecimal amount(JsonNode n) {
    if (n == null || !n.isNumber() || !Double.isFinite(n.asDouble())) {
      return null;
    }
    BigDecimal x = n.decimalValue();
    return CostBudget.isAmount(x) ? x : null;
  }

  /** Every partition's job must have a timeout (what bounds its bill) and a price. */
  static void checkPriced(
      CostBudget budget,
      JobTemplate template,
      List<PartitionSpec> partitions,
      String file,
      List<PlanViolation> v) {
    for (PartitionSpec p : partitions) {
      JobSpec job = template.render(PlanLoader.CHECK_RUN_ID, p);
      if (job.limits().timeout() == null) {
        v.add(
            new PlanViolation(
                template.source(),
                "limits.timeout",
                null,
                "is required when the plan has a budget: the reservation is nodes x price x timeout"));
        return;
      }
      if (budget.priceOf(job).isEmpty()) {
        v.add(
            new PlanViolation(
                file,
                "budget.prices",
                budget.prices().keySet().toString(),
                "has no price for partition '"
                    + p.id()
                    + "': "
                    + (job.resources().instanceType() == null
                        ? ""
                        : "instance_type '" + job.resources().instanceType() + "' or ")
                    + "compute target '"
                    + job.computeTarget()
                    + "'"));
        return;
      }
    }
  }
}
