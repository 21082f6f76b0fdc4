package io.partitrain.shared.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.EvaluationResult;
import java.nio.file.Path;
import java.util.List;
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

  private static final String CONSTANT_CYCLE = "io.partitrain.archfixture.constcycle";

  @Test
  void aCycleThroughInlinedConstantsIsInvisibleInTheBytecode() {
    EvaluationResult r = ArchitectureRules.noPackageCycles(CONSTANT_CYCLE).evaluate(FIXTURES);
    assertThat(r.hasViolation()).as("why the source check exists").isFalse();
  }

  @Test
  void theSourceShowsACycleThroughConstantsWithWhereEachEdgeIs() {
    SourceDependencies deps = SourceDependencies.scan(CONSTANT_CYCLE, Path.of("src/test/java"));
    String a = CONSTANT_CYCLE + ".a";
    String b = CONSTANT_CYCLE + ".b";
    assertThat(deps.cycles()).containsOnlyKeys(List.of(a, b));
    assertThat(deps.cycleReport())
        .contains(a + " -> " + b + ": ")
        .contains("First.java:3 (" + b + ".Second)")
        .contains(b + " -> " + a + ": ")
        .contains("Second.java:6 (" + a + ".First)");
  }

  @Test
  void commentsStringsAndTheOwnersInternalPackageMakeNoEdge() {
    SourceDependencies deps = SourceDependencies.scan(CONSTANT_CYCLE, Path.of("src/test/java"));
    assertThat(deps.usedBy(CONSTANT_CYCLE + ".c")).isEmpty();
    assertThat(deps.usedBy(CONSTANT_CYCLE + ".a")).contains(CONSTANT_CYCLE + ".c");
    assertThat(deps.usedBy(CONSTANT_CYCLE + ".c.internal")).isEmpty();
  }

  @Test
  void theSharedModuleHasNoPackageCycle() {
    ArchitectureRules.noPackageCycles("io.partitrain.shared")
        .check(ArchitectureRules.mainClasses("io.partitrain.shared"));
    ArchitectureRules.noForeignInternals()
        .check(ArchitectureRules.mainClasses("io.partitrain.shared"));
    assertThat(
            SourceDependencies.scan("io.partitrain.shared", Path.of("src/main/java")).cycleReport())
        .as("package cycles in the source of shared")
        .isEmpty();
  }
}
