package io.partitrain.shared.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code services:} on a command job (issue 25, item 3): the five types az ml knows are accepted
 * with their keys; an unknown type is refused naming the known ones, before anything runs.
 */
class JobServicesTest {

  @TempDir Path dir;

  Path plan(String services) throws Exception {
    Files.writeString(dir.resolve("job.yml"), "command: python train.py\nservices:\n" + services);
    Files.writeString(
        dir.resolve("plan.yml"), "name: p\njob: job.yml\npartitions:\n  inline: [p1]\n");
    return dir.resolve("plan.yml");
  }

  @Test
  void everyServiceTypeAzMlKnowsIsAcceptedAndReachesTheJob() throws Exception {
    Plan p =
        PlanLoader.load(
            plan(
                """
                  my_jupyter: {type: jupyter_lab, nodes: all}
                  my_ssh: {type: ssh, ssh_public_keys: "ssh-ed25519 AAAAC3 me@laptop", nodes: all}
                  my_vscode: {type: vs_code}
                  my_tensorboard: {type: tensor_board, log_dir: outputs/tblogs}
                  my_app: {type: custom, port: 8080, properties: {protocol: http}}
                """));

    Map<String, Object> ext = p.template().render("r", p.partitions().get(0)).extensions();
    assertThat(((Map<?, ?>) ext.get("services")).keySet().stream().map(String::valueOf).toList())
        .containsExactlyInAnyOrder("my_jupyter", "my_ssh", "my_vscode", "my_tensorboard", "my_app");
  }

  @Test
  void anUnknownTypeIsRefusedListingTheKnownOnes() throws Exception {
    List<PlanViolation> v = Refusals.violations(plan("  notebook: {type: jupyter}\n"));

    assertThat(v)
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.field()).isEqualTo("services.notebook.type");
              assertThat(x.value()).isEqualTo("jupyter");
              assertThat(x.rule())
                  .isEqualTo(
                      "must be one of the service types [custom, jupyter_lab, ssh, tensor_board,"
                          + " vs_code]");
            });
  }

  @Test
  void aMissingTypeABadPortNodesOrKeyAreRefusedEachNamingItsField() throws Exception {
    List<PlanViolation> v =
        Refusals.violations(
            plan(
                """
                  a: {port: 8080}
                  b: {type: custom, port: 70000, nodes: leader}
                  c: {type: ssh, ssh_public_key: x}
                """));

    assertThat(v)
        .extracting(PlanViolation::field)
        .containsExactlyInAnyOrder(
            "services.a.type", "services.b.port", "services.b.nodes", "services.c.ssh_public_key");
    assertThat(v)
        .filteredOn(x -> x.field().equals("services.c.ssh_public_key"))
        .singleElement()
        .satisfies(x -> assertThat(x.rule()).contains("did you mean 'ssh_public_keys'?"));
  }
}
