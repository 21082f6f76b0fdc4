package io.partitrain.worker;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.partitrain.shared.testing.ArchitectureRules;
import org.junit.jupiter.api.Test;

/**
 * The worker's packages as layers (DESIGN.md, Layout): the backends ({@code backend..}) implement
 * {@code JobBackend} and never see the work loop above them (the root package), so a backend can be
 * tested and reused without a worker; no package reaches into another's {@code internal} package.
 */
class ArchitectureTest {

  private static final String ROOT = "io.partitrain.worker";
  private static final JavaClasses MAIN = ArchitectureRules.mainClasses(ROOT);

  @Test
  void backendsDoNotSeeTheWorkerLoop() {
    noClasses()
        .that()
        .resideInAPackage(ROOT + ".backend..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage(ROOT)
        .because("backends sit below the work loop (DESIGN.md, Backends)")
        .check(MAIN);
  }

  @Test
  void noPackageCycles() {
    ArchitectureRules.noPackageCycles(ROOT).check(MAIN);
  }

  @Test
  void nothingUsesAnotherPackagesInternals() {
    ArchitectureRules.noForeignInternals().check(MAIN);
  }
}
