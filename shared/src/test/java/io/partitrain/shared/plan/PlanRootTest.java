package io.partitrain.shared.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.contracts.RunDefinition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Paths as az ml resolves them (issue 25, item 5): relative to the job.yml's folder, free to climb
 * with {@code ..}, but never out of the plan's root, the git work tree that holds the plan or the
 * plan's {@code root:}. A path out of it is refused naming field, value, resolved path and root.
 */
class PlanRootTest {

  @TempDir Path tmp;
  Path repo;
  Path planDir;

  @BeforeEach
  void repository() throws Exception {
    repo = tmp.resolve("repo");
    Files.createDirectories(repo.resolve(".git"));
    Files.createDirectories(repo.resolve("src"));
    Files.writeString(repo.resolve("src/train.py"), "print(1)\n");
    Files.createDirectories(repo.resolve("assets/model"));
    planDir = Files.createDirectories(repo.resolve("plans/weekly"));
    Files.createDirectories(tmp.resolve("outside"));
  }

  Path plan(String planExtra, String jobLines) throws Exception {
    Files.writeString(planDir.resolve("job.yml"), "command: python train.py\n" + jobLines + "\n");
    Files.writeString(
        planDir.resolve("plan.yml"),
        "name: weekly\njob: job.yml\npartitions:\n  inline: [p1]\n" + planExtra);
    return planDir.resolve("plan.yml");
  }

  @Test
  void pathsClimbWithDotDotInsideTheGitWorkTreeThatHoldsThePlan() throws Exception {
    Plan p =
        PlanLoader.load(
            plan(
                "",
                "code: ../../src\n"
                    + "inputs:\n  model: {type: custom_model, path: ../../assets/model}\n"));

    var job = p.template().render("r", p.partitions().get(0));
    assertThat(job.code()).isEqualTo(repo.resolve("src").toString());
    assertThat(job.inputs().get("model").path()).isEqualTo(repo.resolve("assets/model").toString());
    assertThat(p.definition().planRoot()).isEqualTo(repo.toString());
  }

  @Test
  void aPathOutOfTheRootIsRefusedNamingFieldValueResolvedPathAndRoot() throws Exception {
    String first = Refusals.firstLine(plan("", "code: ../../../outside\n"));

    assertThat(first)
        .startsWith(
            "the plan is refused: " + planDir.resolve("job.yml") + ": code = '../../../outside'")
        .contains("must stay inside the plan's root " + repo)
        .contains("(the git work tree that holds the plan)")
        .contains("it resolves to " + tmp.resolve("outside"));
  }

  @Test
  void anAbsolutePathElsewhereAndOneThatClimbsToTheTopAreRefused() throws Exception {
    String absolute =
        Refusals.firstLine(plan("", "inputs:\n  keys: {type: uri_folder, path: /etc}\n"));
    String climbing =
        Refusals.firstLine(
            plan(
                "", "inputs:\n  keys: {type: uri_folder, path: ../../../../../../../../../etc}\n"));

    assertThat(absolute).contains("inputs.keys.path = '/etc'").contains("it resolves to /etc");
    assertThat(climbing)
        .contains("inputs.keys.path = '../../../../../../../../../etc'")
        .contains("it resolves to /etc")
        .contains("root " + repo);
  }

  @Test
  void aSymbolicLinkInsideTheRootThatLeadsOutIsResolvedBeforeTheCheck() throws Exception {
    Files.createSymbolicLink(repo.resolve("assets/elsewhere"), tmp.resolve("outside"));

    String first = Refusals.firstLine(plan("", "code: ../../assets/elsewhere\n"));

    assertThat(first)
        .contains("code = '../../assets/elsewhere'")
        .contains("a symbolic link leads to " + tmp.resolve("outside").toRealPath());
  }

  @Test
  void aLinkedWorktreesGitFileMarksTheRootToo() throws Exception {
    Files.delete(repo.resolve(".git"));
    Files.writeString(repo.resolve(".git"), "gitdir: /elsewhere/.git/worktrees/repo\n");

    assertThat(PlanRoot.discover(planDir).path()).isEqualTo(repo);
    assertThat(PlanRoot.discover(tmp.resolve("outside")))
        .isEqualTo(PlanRoot.folder(tmp.resolve("outside")));
  }

  @Test
  void rootInThePlanNamesTheRootAndMustHoldThePlan() throws Exception {
    Files.delete(repo.resolve(".git"));
    Plan widened = PlanLoader.load(plan("root: ../..\n", "code: ../../src\n"));
    String outsideAWorkTree = Refusals.firstLine(plan("", "code: ../../src\n"));
    String notHoldingThePlan = Refusals.firstLine(plan("root: ../../src\n", "code: ../../src\n"));
    String missing = Refusals.firstLine(plan("root: ../nowhere\n", "code: ./\n"));

    assertThat(widened.definition().planRoot()).isEqualTo(repo.toString());
    assertThat(outsideAWorkTree)
        .contains("code = '../../src'")
        .contains("must stay inside the plan's root " + planDir)
        .contains("name a wider one with root: in the plan");
    assertThat(notHoldingThePlan)
        .contains("plan.yml: root = '../../src': must hold the plan's folder " + planDir);
    assertThat(missing).contains("root = '../nowhere': must be an existing folder");
  }

  @Test
  void aStartCommandsRootMustHoldThePlansFolder() throws Exception {
    Plan p = PlanLoader.load(plan("", "code: ../../src\n"));
    RunDefinition d = p.definition();
    List<PartitionSpec> parts = List.of(new PartitionSpec("p1", Map.of()));
    RunDefinition narrowed =
        new RunDefinition(
            d.planName(),
            d.planSource(),
            planDir.toString(),
            d.jobTemplate(),
            d.retry(),
            d.limits(),
            d.deadline());
    RunDefinition elsewhere =
        new RunDefinition(
            d.planName(),
            d.planSource(),
            tmp.resolve("outside").toString(),
            d.jobTemplate(),
            d.retry(),
            d.limits(),
            d.deadline());

    assertThat(PlanRecheck.violations(d, "r", parts)).isEmpty();
    assertThat(PlanRecheck.violations(narrowed, "r", parts))
        .singleElement()
        .satisfies(v -> assertThat(v.field()).isEqualTo("code"));
    assertThat(PlanRecheck.violations(elsewhere, "r", parts))
        .singleElement()
        .satisfies(v -> assertThat(v.field()).isEqualTo("planRoot"));
  }
}
