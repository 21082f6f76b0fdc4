package io.partitrain.shared.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input: plan paths that leave the plan's root (here the plan's folder: no git work tree holds
 * it), each refused naming field, value and rule.
 */
class PlanPathsTest {

  @TempDir Path root;

  /**
   * One escape each: the job.yml lines that differ from a good job, the partitions CSV, the field
   * and value the refusal must name.
   */
  record Escape(String name, String jobLines, String csv, String field, String value) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Escape> escapes() {
    return List.of(
        new Escape("code up and out", "code: ../../etc", "id\np1\n", "code", "/etc"),
        new Escape("code absolute elsewhere", "code: /usr/lib", "id\np1\n", "code", "/usr/lib"),
        new Escape(
            "input dot-dot",
            "inputs:\n  sales: {type: uri_file, path: ./data/../../secret.csv}",
            "id\np1\n",
            "inputs.sales.path",
            "secret.csv"),
        new Escape(
            "input absolute",
            "inputs:\n  keys: {type: uri_folder, path: /home/user/.ssh}",
            "id\np1\n",
            "inputs.keys.path",
            "/home/user/.ssh"),
        new Escape(
            "placeholder that expands into dot-dot",
            "inputs:\n  sales: {type: uri_file, path: './data/${{partition.tags.file}}'}",
            "id,file\np1,../../../etc/passwd\n",
            "inputs.sales.path",
            "/etc/passwd"),
        new Escape(
            "output path outside",
            "outputs:\n  model: {type: uri_folder, path: /var/tmp/elsewhere}",
            "id\np1\n",
            "outputs.model.path",
            "/var/tmp/elsewhere"),
        new Escape(
            "output name that is a path",
            "outputs:\n  ../model: {type: uri_folder}",
            "id\np1\n",
            "outputs.../model",
            "../model"),
        new Escape("symlink out of the plan", "code: ./linked", "id\np1\n", "code", "linked"));
  }

  private Path writePlan(Escape e) throws Exception {
    Path plan = root.resolve("plan");
    Files.createDirectories(plan.resolve("data"));
    Path outside = Files.createDirectories(root.resolve("outside"));
    Files.createSymbolicLink(plan.resolve("linked"), outside);
    Files.writeString(
        plan.resolve("job.yml"), "command: echo ${{partition.id}}\n" + e.jobLines() + "\n");
    Files.writeString(plan.resolve("parts.csv"), e.csv());
    Files.writeString(
        plan.resolve("plan.yml"), "name: escape\njob: job.yml\npartitions:\n  file: parts.csv\n");
    return plan.resolve("plan.yml");
  }

  @ParameterizedTest
  @MethodSource("escapes")
  void isRefusedNamingFieldValueAndRule(Escape e) throws Exception {
    Path plan = writePlan(e);

    assertThatThrownBy(() -> PlanLoader.load(plan))
        .isInstanceOfSatisfying(
            PlanValidationException.class,
            x ->
                assertThat(x.violations())
                    .anySatisfy(
                        v -> {
                          assertThat(v.field()).isEqualTo(e.field());
                          assertThat(v.value()).contains(e.value());
                          assertThat(v.rule()).contains("must");
                        }));
  }

  @Test
  void theSymlinkRefusalSaysWhereTheLinkLeads() throws Exception {
    Escape e = escapes().get(escapes().size() - 1);
    Path plan = writePlan(e);

    assertThatThrownBy(() -> PlanLoader.load(plan))
        .hasMessageContaining("symbolic link leads to " + root.resolve("outside").toRealPath());
  }

  @Test
  void pathsInsideThePlanAndUnderAnAllowedRootAreAccepted() throws Exception {
    Path plan = root.resolve("plan");
    Files.createDirectories(plan.resolve("src"));
    Path shared = Files.createDirectories(root.resolve("shared-data"));
    Files.writeString(
        plan.resolve("job.yml"),
        """
        command: echo ${{partition.id}}
        code: ./src
        inputs:
          sales: {type: uri_file, path: './data/${{partition.id}}.csv'}
          features: {type: uri_folder, path: %s}
          remote: {type: uri_folder, path: 'azureml://datastores/x/paths/y/'}
        outputs:
          model: {type: uri_folder}
        """
            .formatted(shared));
    Files.writeString(plan.resolve("parts.csv"), "id\np1\n");
    Files.writeString(
        plan.resolve("plan.yml"), "name: ok\njob: job.yml\npartitions:\n  file: parts.csv\n");
    JobTemplate template = JobTemplate.load(plan.resolve("job.yml"));

    List<PlanViolation> confinedToPlan = new java.util.ArrayList<>();
    PlanPaths.of(plan, List.of())
        .check(
            template,
            "r",
            new io.partitrain.shared.contracts.PartitionSpec("p1", java.util.Map.of()),
            confinedToPlan);
    List<PlanViolation> withSharedRoot = new java.util.ArrayList<>();
    PlanPaths.of(plan, List.of(shared))
        .check(
            template,
            "r",
            new io.partitrain.shared.contracts.PartitionSpec("p1", java.util.Map.of()),
            withSharedRoot);

    assertThat(confinedToPlan)
        .extracting(PlanViolation::field)
        .containsExactly("inputs.features.path");
    assertThat(withSharedRoot).isEmpty();
  }

  /**
   * One instance checks every partition of a plan, remembering the folders it resolved: a link
   * among ordinary files of a folder already seen, a dangling link, and a folder that is a link are
   * each still refused, and the files around them accepted.
   */
  @Test
  void eachPartitionsLinksAreJudgedEvenInAFolderAlreadyResolved() throws Exception {
    Path plan = root.resolve("plan");
    Path data = Files.createDirectories(plan.resolve("data"));
    Path outside = Files.createDirectories(root.resolve("outside"));
    Files.writeString(outside.resolve("secret.csv"), "x");
    Files.createSymbolicLink(plan.resolve("linked"), outside);
    Files.writeString(data.resolve("p1.csv"), "ok");
    Files.createSymbolicLink(data.resolve("p2.csv"), outside.resolve("secret.csv"));
    Files.createSymbolicLink(data.resolve("p4.csv"), outside.resolve("nowhere.csv"));
    Files.writeString(data.resolve("p6.csv"), "ok");
    Files.writeString(
        plan.resolve("job.yml"),
        """
        command: echo ${{partition.id}}
        inputs:
          sales: {type: uri_file, path: './${{partition.tags.dir}}/${{partition.id}}.csv'}
        """);
    JobTemplate template = JobTemplate.load(plan.resolve("job.yml"));
    PlanPaths paths = PlanPaths.of(plan, List.of());

    List<PlanViolation> v = new java.util.ArrayList<>();
    for (String[] p :
        List.of(
            new String[] {"p1", "data"},
            new String[] {"p2", "data"},
            new String[] {"p3", "data"},
            new String[] {"p4", "data"},
            new String[] {"p5", "linked"},
            new String[] {"p6", "data"})) {
      paths.check(
          template,
          "r",
          new io.partitrain.shared.contracts.PartitionSpec(p[0], java.util.Map.of("dir", p[1])),
          v);
    }

    assertThat(v)
        .extracting(PlanViolation::value)
        .containsExactly("./data/p2.csv", "./data/p4.csv", "./linked/p5.csv");
    assertThat(v)
        .extracting(PlanViolation::rule)
        .allSatisfy(rule -> assertThat(rule).contains("symbolic link leads to"))
        .anySatisfy(rule -> assertThat(rule).contains("it resolves to " + data.resolve("p2.csv")));
  }
}
