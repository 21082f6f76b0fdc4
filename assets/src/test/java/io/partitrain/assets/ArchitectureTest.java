package io.partitrain.assets;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.partitrain.shared.testing.ArchitectureRules;
import org.junit.jupiter.api.Test;

/**
 * The asset component's packages form layers. That it depends on nothing of the worker, the
 * orchestrator or the CLI is checked where all modules are on the class path: the deploy module's
 * {@code ArchitectureTest} and {@code ModuleBoundariesTest}.
 */
class ArchitectureTest {

  private static final String ROOT = "io.partitrain.assets";
  private static final JavaClasses MAIN = ArchitectureRules.mainClasses(ROOT);

  @Test
  void noPackageCycles() {
    ArchitectureRules.noPackageCycles(ROOT).check(MAIN);
  }

  @Test
  void nothingUsesAnotherPackagesInternals() {
    ArchitectureRules.noForeignInternals().check(MAIN);
  }
}
