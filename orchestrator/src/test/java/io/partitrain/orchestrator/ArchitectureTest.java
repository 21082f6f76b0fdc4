package io.partitrain.orchestrator;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import io.partitrain.shared.testing.ArchitectureRules;
import org.junit.jupiter.api.Test;

/**
 * The orchestrator's packages read as its architecture, bottom up (DESIGN.md, Layout): {@code
 * state} (the fold) depends on nothing above it; {@code admission}, {@code scheduling} and {@code
 * finops} decide from the state; {@code tracking} dispatches to them; the root package (the Kafka
 * transaction loop, the service's main and configuration) and {@code leadership} sit on top.
 * Packages outside these layers (added later) are held to the no-cycle rule only.
 */
class ArchitectureTest {

  private static final String ROOT = "io.partitrain.orchestrator";
  private static final JavaClasses MAIN = ArchitectureRules.mainClasses(ROOT);

  /** The layering of the orchestrator whose packages live under {@code root}. */
  static ArchRule layers(String root) {
    return layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .withOptionalLayers(true)
        .layer("state")
        .definedBy(root + ".state..")
        .layer("admission")
        .definedBy(root + ".admission..")
        .layer("scheduling")
        .definedBy(root + ".scheduling..")
        .layer("finops")
        .definedBy(root + ".finops..")
        .layer("tracking")
        .definedBy(root + ".tracking..")
        .layer("leadership")
        .definedBy(root + ".leadership..")
        .layer("service")
        .definedBy(root)
        .whereLayer("service")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("tracking")
        .mayOnlyBeAccessedByLayers("service")
        .whereLayer("leadership")
        .mayOnlyBeAccessedByLayers("service")
        .whereLayer("admission")
        .mayOnlyBeAccessedByLayers("tracking", "service")
        .whereLayer("scheduling")
        .mayOnlyBeAccessedByLayers("tracking", "service")
        .whereLayer("finops")
        .mayOnlyBeAccessedByLayers("tracking", "service")
        .whereLayer("state")
        .mayOnlyBeAccessedByLayers("admission", "scheduling", "finops", "tracking", "service");
  }

  @Test
  void packagesAreLayeredBottomUp() {
    layers(ROOT).check(MAIN);
  }

  @Test
  void noPackageCycles() {
    ArchitectureRules.noPackageCycles(ROOT).check(MAIN);
  }

  @Test
  void nothingUsesAnotherPackagesInternals() {
    ArchitectureRules.noForeignInternals().check(MAIN);
  }

  @Test
  void theLayerRuleReportsAStateThatReachesUp() {
    JavaClasses planted = ArchitectureRules.allClasses("io.partitrain.archfixture.orchestrator");
    EvaluationResult r = layers("io.partitrain.archfixture.orchestrator").evaluate(planted);
    assertThat(r.getFailureReport().toString())
        .contains("LeakyState")
        .contains("Deciding")
        .doesNotContain("Deciding.state");
    EvaluationResult cycles =
        ArchitectureRules.noPackageCycles("io.partitrain.archfixture.orchestrator")
            .evaluate(planted);
    assertThat(cycles.hasViolation()).isTrue();
  }
}
