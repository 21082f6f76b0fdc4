package io.partitrain.shared.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

/** The rules can fail: each is run against a planted violation and must report it. */
class ArchitectureRulesTest {

  private static final JavaClasses FIXTURES =
      ArchitectureRules.allClasses("io.partitrain.archfixture");

  @Test
  void aPlantedPackageCycleIsReported() {
    EvaluationResult r =
        ArchitectureRules.noPackageCycles("io.partitrain.archfixture.cycle").evaluate(FIXTURES);
    assertThat(r.hasViolation()).isTrue();
    assertThat(r.getFailureReport().toString())
        .contains("io.partitrain.archfixture.cycle.a")
        .contains("io.partitrain.archfixture.cycle.b");
  }

  @Test
  void aPlantedFileCycleIsReported() {
    EvaluationResult r =
        ArchitectureRules.noFileCycles("io.partitrain.archfixture.cycle").evaluate(FIXTURES);
    assertThat(r.hasViolation()).isTrue();
    assertThat(r.getFailureReport().toString()).contains("cycle.a.A").contains("cycle.b.B");
  }

  @Test
  void reachingIntoAnotherPackagesInternalsIsReportedAndTheOwnerMayUseThem() {
    EvaluationResult r =
        ArchitectureRules.noForeignInternals()
            .evaluate(ArchitectureRules.allClasses("io.partitrain.archfixture.internals"));
    assertThat(r.getFailureReport().getDetails())
        .singleElement()
        .asString()
        .contains("internals.app.Client")
        .contains("Hidden");
  }

  @Test
  void aPlantedLongParameterListIsReported() {
    EvaluationResult r = ArchitectureRules.noLongParameterLists().evaluate(FIXTURES);
    assertThat(r.getFailureReport().getDetails()).singleElement().asString().contains("cycle.a.A");
  }

  @Test
  void theSharedModuleHasNoPackageCycle() {
    ArchitectureRules.noPackageCycles("io.partitrain.shared")
        .check(ArchitectureRules.mainClasses("io.partitrain.shared"));
    ArchitectureRules.noForeignInternals()
        .check(ArchitectureRules.mainClasses("io.partitrain.shared"));
  }
}
