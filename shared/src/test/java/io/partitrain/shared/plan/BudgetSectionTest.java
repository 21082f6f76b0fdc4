package io.partitrain.shared.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.shared.contracts.CostBudget;
import io.partitrain.shared.contracts.JobSpec;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plan's {@code budget:} section (BudgetReader), through {@link PlanLoader#load}. */
class BudgetSectionTest {

  @TempDir Path dir;

  static final String BUDGET =
      """
      budget:
        cap: 12.50
        currency: EUR
        prices:
          Standard_DS3_v2: 0.27
      """;

  @BeforeEach
  void writeValidPlan() throws IOException {
    write("job.yml", PlanLoaderTest.JOB);
    write("stores.csv", PlanLoaderTest.CSV);
    write("plan.yml", PlanLoaderTest.PLAN + BUDGET);
  }

  private void write(String name, String text) throws IOException {
    Files.writeString(dir.resolve(name), text);
  }

  private void writePlanWithBudget(String budget) throws IOException {
    write("plan.yml", PlanLoaderTest.PLAN + budget);
  }

  private PlanValidationException refused() {
    return org.junit.jupiter.api.Assertions.assertThrows(
        PlanValidationException.class, () -> PlanLoader.load(dir.resolve("plan.yml")));
  }

  @Test
  void aValidBudgetLoadsWithItsCapCurrencyAndPrices() {
    Plan plan = PlanLoader.load(dir.resolve("plan.yml"));
    CostBudget budget = plan.definition().limits().budget();
    assertThat(budget.cap()).isEqualByComparingTo("12.50");
    assertThat(budget.currency()).isEqualTo("EUR");
    JobSpec job = plan.template().render("r", plan.partitions().get(0));
    assertThat(budget.priceOf(job))
        .hasValueSatisfying(p -> assertThat(p).isEqualByComparingTo("0.27"));
    // nodes x price x timeout: 2 x 0.27/h x 120 s = 0.018
    assertThat(
            CostBudget.cost(job.nodes(), budget.priceOf(job).orElseThrow(), job.limits().timeout()))
        .isEqualByComparingTo("0.018");
  }

  @Test
  void withoutCurrencyTheBudgetIsInUsd() throws IOException {
    writePlanWithBudget("budget: {cap: 5, prices: {Standard_DS3_v2: 0.27}}\n");
    assertThat(PlanLoader.load(dir.resolve("plan.yml")).definition().limits().budget().currency())
        .isEqualTo("USD");
  }

  @Test
  void aPlanWithoutBudgetHasNoBudgetAndNeedsNoTimeout() throws IOException {
    write("plan.yml", PlanLoaderTest.PLAN);
    write("job.yml", PlanLoaderTest.JOB.replace("limits:\n  timeout: 120\n", ""));
    Plan plan = PlanLoader.load(dir.resolve("plan.yml"));
    assertThat(plan.definition().limits().budget()).isNull();
    assertThat(plan.template().render("r", plan.partitions().get(0)).limits().timeout()).isNull();
  }

  @Test
  void aMissingCapIsRefused() throws IOException {
    writePlanWithBudget("budget: {currency: EUR, prices: {Standard_DS3_v2: 0.27}}\n");
    assertThat(refused().violations())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.file()).endsWith("plan.yml");
              assertThat(v.field()).isEqualTo("budget.cap");
              assertThat(v.value()).isNull();
              assertThat(v.rule())
                  .isEqualTo(
                      "is required and " + io.partitrain.shared.contracts.CostBudget.AMOUNT_RULE);
            });
  }

  @Test
  void aNegativeCapIsRefused() throws IOException {
    writePlanWithBudget("budget: {cap: -5, currency: EUR, prices: {Standard_DS3_v2: 0.27}}\n");
    assertThat(refused().violations())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.file()).endsWith("plan.yml");
              assertThat(v.field()).isEqualTo("budget.cap");
              assertThat(v.value()).isEqualTo("-5");
              assertThat(v.rule()).contains("from 0 to");
            });
  }

  @Test
  void aCapThatIsNotANumberIsRefused() throws IOException {
    writePlanWithBudget("budget: {cap: lots, prices: {Standard_DS3_v2: 0.27}}\n");
    assertThat(refused().violations())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.field()).isEqualTo("budget.cap");
              assertThat(v.value()).isEqualTo("lots");
            });
  }

  @Test
  void aZeroCapIsAllowed() throws IOException {
    writePlanWithBudget("budget: {cap: 0, prices: {Standard_DS3_v2: 0.27}}\n");
    assertThat(PlanLoader.load(dir.resolve("plan.yml")).definition().limits().budget().cap())
        .isEqualByComparingTo(BigDecimal.ZERO);
  }

  @Test
  void aCurrencyThatIsNotAnIsoCodeIsRefused() throws IOException {
    writePlanWithBudget("budget: {cap: 5, currency: eur, prices: {Standard_DS3_v2: 0.27}}\n");
    assertThat(refused().violations())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.file()).endsWith("plan.yml");
              assertThat(v.field()).isEqualTo("budget.currency");
              assertThat(v.value()).isEqualTo("eur");
              assertThat(v.rule())
                  .isEqualTo("must be an ISO 4217 code matching " + BudgetReader.CURRENCY_RULE);
            });
  }

  @Test
  void missingPricesAreRefused() throws IOException {
    writePlanWithBudget("budget: {cap: 5, currency: EUR}\n");
    assertThat(refused().violations())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.file()).endsWith("plan.yml");
              assertThat(v.field()).isEqualTo("budget.prices");
              assertThat(v.value()).isNull();
              assertThat(v.rule()).startsWith("is required: price per node-hour");
            });
  }

  @Test
  void emptyPricesAreRefused() throws IOException {
    writePlanWithBudget("budget: {cap: 5, prices: {}}\n");
    assertThat(refused().violations())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.field()).isEqualTo("budget.prices");
              assertThat(v.value()).isEqualTo("{}");
            });
  }

  @Test
  void aNegativePriceIsRefusedNamingItsKey() throws IOException {
    writePlanWithBudget("budget: {cap: 5, prices: {Standard_DS3_v2: -0.27, cpu-cluster: 0.10}}\n");
    assertThat(refused().violations())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.file()).endsWith("plan.yml");
              assertThat(v.field()).isEqualTo("budget.prices.Standard_DS3_v2");
              assertThat(v.value()).isEqualTo("-0.27");
              assertThat(v.rule()).isEqualTo(io.partitrain.shared.contracts.CostBudget.AMOUNT_RULE);
            });
  }

  @Test
  void anUnknownBudgetKeyIsRefused() throws IOException {
    writePlanWithBudget("budget: {cap: 5, limit: 7, prices: {Standard_DS3_v2: 0.27}}\n");
    assertThat(refused().violations())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.field()).isEqualTo("budget.limit");
              assertThat(v.value()).isEqualTo("7");
              assertThat(v.rule()).contains("budget keys: [cap, currency, prices]");
            });
  }

  @Test
  void aBudgetThatIsNotAMappingIsRefused() throws IOException {
    writePlanWithBudget("budget: 100\n");
    assertThat(refused().violations())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.field()).isEqualTo("budget");
              assertThat(v.value()).isEqualTo("100");
            });
  }

  @Test
  void everyBrokenBudgetRuleIsReportedInOnePass() throws IOException {
    writePlanWithBudget("budget: {cap: -1, currency: Euro, prices: {Standard_DS3_v2: cheap}}\n");
    PlanValidationException e = refused();
    assertThat(e.violations())
        .extracting(PlanViolation::field)
        .containsExactlyInAnyOrder(
            "budget.cap", "budget.currency", "budget.prices.Standard_DS3_v2");
    assertThat(e.getMessage())
        .contains("(and 2 more rules broken)")
        .contains("'Euro'")
        .contains("'cheap'");
  }

  @Test
  void aJobWithoutTimeoutIsRefusedWhenThePlanHasABudget() throws IOException {
    write("job.yml", PlanLoaderTest.JOB.replace("limits:\n  timeout: 120\n", ""));
    assertThat(refused().violations())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.file()).endsWith("job.yml");
              assertThat(v.field()).isEqualTo("limits.timeout");
              assertThat(v.value()).isNull();
              assertThat(v.rule())
                  .isEqualTo(
                      "is required when the plan has a budget: the reservation is nodes x price x timeout");
            });
  }

  @Test
  void aPartitionWhoseJobHasNoPriceIsRefusedNamingThePartition() throws IOException {
    // the instance type comes from the partition's tag; store-002's type has no price
    write(
        "job.yml",
        PlanLoaderTest.JOB.replace(
            "instance_type: Standard_DS3_v2", "instance_type: ${{partition.tags.size}}"));
    write(
        "stores.csv",
        "store_id,region,size\nstore-001,north,Standard_DS3_v2\nstore-002,south,Standard_NC6\n");
    assertThat(refused().violations())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.file()).endsWith("plan.yml");
              assertThat(v.field()).isEqualTo("budget.prices");
              assertThat(v.value()).isEqualTo("[Standard_DS3_v2]");
              assertThat(v.rule())
                  .isEqualTo(
                      "has no price for partition 'store-002': instance_type 'Standard_NC6'"
                          + " or compute target 'cpu-cluster'");
            });
  }

  @Test
  void aComputeTargetPriceCoversAnInstanceTypeWithoutOne() throws IOException {
    writePlanWithBudget("budget: {cap: 5, prices: {cpu-cluster: 0.10, Standard_NC6: 3.00}}\n");
    Plan plan = PlanLoader.load(dir.resolve("plan.yml"));
    JobSpec job = plan.template().render("r", plan.partitions().get(1));
    assertThat(plan.definition().limits().budget().priceOf(job))
        .hasValueSatisfying(p -> assertThat(p).isEqualByComparingTo("0.10"));
  }
}
