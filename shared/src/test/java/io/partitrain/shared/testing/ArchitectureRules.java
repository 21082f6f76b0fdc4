package io.partitrain.shared.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

/**
 * The architecture rules every module's ArchitectureTest applies (DESIGN.md, Layout: inside each
 * module, packages form layers with no cycles). Each rule takes the root package it guards, so the
 * same rule is also run against the planted violations under {@code io.partitrain.archfixture},
 * which proves it can fail.
 */
public final class ArchitectureRules {

  private ArchitectureRules() {}

  /**
   * The production classes under the given packages: no test classes, whether they come from a
   * {@code test-classes} folder or (in a full build) from another module's {@code -tests.jar}, so
   * the planted fixtures never count as production code.
   */
  public static JavaClasses mainClasses(String... packages) {
    return new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(location -> !location.contains("-tests.jar"))
        .withImportOption(location -> !location.contains("/archfixture/"))
        .importPackages(packages);
  }

  /** Every class under the given packages, tests included (for the planted fixtures). */
  public static JavaClasses allClasses(String... packages) {
    return new ClassFileImporter().importPackages(packages);
  }

  /**
   * No cycle between packages under {@code root}: each package (not subtree) is one slice, except
   * that an {@code internal} package belongs to its owner's slice: it is the owner's implementation
   * (as Kafka's {@code consumer.internals} is the consumer's), may use its owner's public types,
   * and nobody else may use it ({@link #noForeignInternals}).
   */
  public static ArchRule noPackageCycles(String root) {
    return slices()
        .assignedFrom(
            new SliceAssignment() {
              @Override
              public SliceIdentifier getIdentifierOf(JavaClass c) {
                String p = c.getPackageName();
                String owner = ownerOfInternal(p);
                return p.equals(root) || p.startsWith(root + ".")
                    ? SliceIdentifier.of(owner == null ? p : owner)
                    : SliceIdentifier.ignore();
              }

              @Override
              public String getDescription() {
                return "packages under " + root;
              }
            })
        .should()
        .beFreeOfCycles()
        .because("packages form layers (DESIGN.md, Layout)");
  }

  /**
   * No cycle between the source files (top-level classes, with their nested classes) under {@code
   * root}: two files that need each other are one thing, or one of them is in the wrong place.
   */
  public static ArchRule noFileCycles(String root) {
    return slices()
        .assignedFrom(
            new SliceAssignment() {
              @Override
              public SliceIdentifier getIdentifierOf(JavaClass c) {
                if (!c.getPackageName().equals(root)
                    && !c.getPackageName().startsWith(root + ".")) {
                  return SliceIdentifier.ignore();
                }
                String name = c.getName();
                int nested = name.indexOf('$');
                return SliceIdentifier.of(nested < 0 ? name : name.substring(0, nested));
              }

              @Override
              public String getDescription() {
                return "source files under " + root;
              }
            })
        .should()
        .beFreeOfCycles();
  }

  /**
   * An {@code internal} package of ours is used only from its parent package and that parent's
   * other subpackages: {@code a.b.internal.X} may be used by {@code a.b} and {@code a.b.c}, nobody
   * else. (Libraries' internals are not checked here; see the issue 13 note on resilience4j.)
   */
  public static ArchRule noForeignInternals() {
    return classes()
        .should(
            new ArchCondition<JavaClass>("not use another package's internal classes") {
              @Override
              public void check(JavaClass c, ConditionEvents events) {
                for (Dependency d : c.getDirectDependenciesFromSelf()) {
                  String target = d.getTargetClass().getPackageName();
                  String owner =
                      target.startsWith("io.partitrain.") ? ownerOfInternal(target) : null;
                  if (owner == null) {
                    continue;
                  }
                  String from = c.getPackageName();
                  if (!from.equals(owner) && !from.startsWith(owner + ".")) {
                    events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                  }
                }
              }
            })
        .allowEmptyShould(true);
  }

  /** The most parameters a constructor or static factory may take, wire-contract records aside. */
  public static final int MAX_PARAMETERS = 7;

  /**
   * No class's constructor or static factory takes more than {@link #MAX_PARAMETERS} parameters:
   * more is a builder's job. Records are exempt: their components are a published shape (topic
   * messages in {@code ..contracts..}, {@code -o json} output, job state files), which positional
   * construction mirrors.
   */
  public static ArchRule noLongParameterLists() {
    return classes()
        .should(
            new ArchCondition<JavaClass>(
                "take at most " + MAX_PARAMETERS + " constructor or factory parameters") {
              @Override
              public void check(JavaClass c, ConditionEvents events) {
                if (c.isRecord()) {
                  return;
                }
                c.getConstructors().stream()
                    .filter(k -> k.getRawParameterTypes().size() > MAX_PARAMETERS)
                    .forEach(k -> events.add(SimpleConditionEvent.violated(k, k.getFullName())));
                c.getMethods().stream()
                    .filter(m -> m.getModifiers().contains(JavaModifier.STATIC))
                    .filter(m -> m.getRawReturnType().equals(c))
                    .filter(m -> m.getRawParameterTypes().size() > MAX_PARAMETERS)
                    .forEach(m -> events.add(SimpleConditionEvent.violated(m, m.getFullName())));
              }
            })
        .allowEmptyShould(true);
  }

  /** {@code a.b} for a package {@code a.b.internal} or {@code a.b.internal.c}; else null. */
  static String ownerOfInternal(String pkg) {
    if (pkg.endsWith(".internal")) {
      return pkg.substring(0, pkg.length() - ".internal".length());
    }
    int i = pkg.indexOf(".internal.");
    return i < 0 ? null : pkg.substring(0, i);
  }
}
