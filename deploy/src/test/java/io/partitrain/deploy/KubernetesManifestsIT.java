package io.partitrain.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Renders deploy/kubernetes (base and the AKS overlay) with {@code kubectl kustomize} and validates
 * every object with deploy/kubernetes/validate: the Kubernetes and KEDA OpenAPI schemas
 * (kubernetes-models, AJV) for types and required fields, and the Kubernetes API's field lists
 * (@kubernetes/client-node models) for misspelled fields. A planted typo and a wrong type fail.
 */
@Timeout(600)
class KubernetesManifestsIT {

  static final Path MANIFESTS = Path.of("kubernetes").toAbsolutePath();
  static final Path VALIDATOR = MANIFESTS.resolve("validate");

  @TempDir Path tmp;

  record Result(int exit, String output) {}

  @BeforeAll
  static void installValidator() throws Exception {
    if (run(List.of("kubectl", "version", "--client"), null, MANIFESTS).exit() != 0) {
      Result install =
          run(List.of("bash", VALIDATOR.resolve("ensure-kubectl.sh").toString()), null, VALIDATOR);
      if (install.exit() != 0) {
        fail(
            "kubectl is missing and could not be installed (apt-get install kubectl, as root):\n"
                + install.output());
      }
    }
    if (!Files.isDirectory(VALIDATOR.resolve("node_modules"))) {
      Result npm = run(List.of("npm", "ci", "--no-audit", "--no-fund"), null, VALIDATOR);
      assertThat(npm.exit()).as("npm ci in " + VALIDATOR + ":\n" + npm.output()).isZero();
    }
  }

  @Test
  void theAksOverlayRendersToValidObjectsOfEveryKindTheDeploymentNeeds() throws Exception {
    Result r = validate(MANIFESTS.resolve("overlays/aks"));

    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output())
        .contains("Deployment/partitrain-orchestrator")
        .contains("PodDisruptionBudget/partitrain-orchestrator")
        .contains("Deployment/partitrain-worker")
        .contains("ScaledObject/partitrain-worker")
        .contains("TriggerAuthentication/partitrain-keda-kafka")
        .contains("NetworkPolicy/partitrain")
        .contains("ServiceAccount/partitrain-worker");
  }

  @Test
  void theBaseRendersToValidObjects() throws Exception {
    Result r = validate(MANIFESTS.resolve("base"));

    assertThat(r.exit()).as(r.output()).isZero();
  }

  /**
   * The console reads a local job's log from the worker that created it: each worker names its pod
   * address ({@code PARTITRAIN_WORKER_HTTP_URL} from the downward API) and checks the same log
   * token Secret key the orchestrator sends, and the network policy lets the orchestrators, and
   * only them besides monitoring, reach the workers' port.
   */
  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/aks"})
  void workersNameTheirPodAddressAndShareTheLogTokenSecretWithTheConsole(String kustomization)
      throws Exception {
    Result rendered =
        run(
            List.of("kubectl", "kustomize", MANIFESTS.resolve(kustomization).toString()),
            null,
            MANIFESTS);
    assertThat(rendered.exit()).as(rendered.output()).isZero();
    Map<String, JsonNode> objects = new HashMap<>();
    try (MappingIterator<JsonNode> docs =
        new YAMLMapper().readerFor(JsonNode.class).readValues(rendered.output())) {
      docs.forEachRemaining(
          d ->
              objects.put(
                  d.path("kind").asText() + "/" + d.path("metadata").path("name").asText(), d));
    }
    List<JsonNode> worker = env(objects.get("Deployment/partitrain-worker"));
    List<JsonNode> orchestrator = env(objects.get("Deployment/partitrain-orchestrator"));

    int podIp = indexOf(worker, "POD_IP");
    int url = indexOf(worker, "PARTITRAIN_WORKER_HTTP_URL");
    assertThat(worker.get(podIp).at("/valueFrom/fieldRef/fieldPath").asText())
        .isEqualTo("status.podIP");
    assertThat(url).as("$(POD_IP) expands only after POD_IP is defined").isGreaterThan(podIp);
    assertThat(worker.get(url).path("value").asText()).isEqualTo("http://$(POD_IP):8080");
    JsonNode workerToken =
        worker.get(indexOf(worker, "PARTITRAIN_WORKER_LOG_TOKEN")).at("/valueFrom/secretKeyRef");
    JsonNode consoleToken =
        orchestrator
            .get(indexOf(orchestrator, "PARTITRAIN_WORKER_LOG_TOKEN"))
            .at("/valueFrom/secretKeyRef");
    assertThat(workerToken.path("name").asText()).isEqualTo("partitrain-worker-logs");
    assertThat(consoleToken).isEqualTo(workerToken);

    JsonNode policy = objects.get("NetworkPolicy/partitrain");
    assertThat(policy.path("spec").path("ingress").toString())
        .contains("\"app.kubernetes.io/name\":\"partitrain-orchestrator\"");
    assertThat(policy.path("spec").path("egress").toString())
        .contains("\"app.kubernetes.io/name\":\"partitrain-worker\"");
  }

  private static List<JsonNode> env(JsonNode deployment) {
    assertThat(deployment).isNotNull();
    List<JsonNode> out = new ArrayList<>();
    deployment.at("/spec/template/spec/containers/0/env").forEach(out::add);
    return out;
  }

  private static int indexOf(List<JsonNode> env, String name) {
    for (int i = 0; i < env.size(); i++) {
      if (env.get(i).path("name").asText().equals(name)) {
        return i;
      }
    }
    throw new AssertionError("no env " + name + " in " + env);
  }

  @Test
  void aPlantedTypoAndAWrongTypeFailNamingTheField() throws Exception {
    Path copy = tmp.resolve("kubernetes");
    copyTree(MANIFESTS, copy);
    replace(
        copy.resolve("base/worker.yaml"),
        "terminationGracePeriodSeconds: 30",
        "terminationGracePeriodSecond: 30");
    replace(
        copy.resolve("base/worker-scaledobject.yaml"),
        "maxReplicaCount: 12",
        "maxReplicaCount: twelve");

    Result r = validate(copy.resolve("overlays/aks"));

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.output())
        .contains(
            "Deployment/partitrain-worker: .spec.template.spec.terminationGracePeriodSecond:"
                + " unknown field")
        .contains("ScaledObject/partitrain-worker: data/spec/maxReplicaCount must be integer");
  }

  private static Result validate(Path kustomization) throws Exception {
    Result rendered =
        run(List.of("kubectl", "kustomize", kustomization.toString()), null, MANIFESTS);
    assertThat(rendered.exit()).as(rendered.output()).isZero();
    return run(
        List.of("node", VALIDATOR.resolve("validate.mjs").toString()),
        rendered.output(),
        VALIDATOR);
  }

  private static Result run(List<String> cmd, String stdin, Path dir) throws Exception {
    Process p;
    try {
      p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      return new Result(127, cmd.get(0) + ": " + e.getMessage());
    }
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      return new Result(-1, "timed out: " + cmd);
    }
    return new Result(p.exitValue(), out);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (p.toString().contains("node_modules")) {
          continue;
        }
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  private static void replace(Path file, String from, String to) throws IOException {
    String text = Files.readString(file);
    assertThat(text).contains(from);
    Files.writeString(file, text.replace(from, to));
  }
}
