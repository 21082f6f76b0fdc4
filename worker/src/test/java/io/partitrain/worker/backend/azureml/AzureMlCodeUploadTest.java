package io.partitrain.worker.backend.azureml;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.models.BlobItem;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.partitrain.assets.ArmRequest;
import io.partitrain.assets.CodeSnapshot;
import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.worker.backend.JobRef;
import io.partitrain.worker.backend.JobRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local {@code code:} folder against the fake ARM and a real Azurite: hashed as the CLI does,
 * uploaded once per content (however many partitions and workers), registered as a code version
 * whose id every job references; a changed file gives a new version on the next run; {@code job
 * render} shows the upload before the PUT.
 */
@Timeout(120)
class AzureMlCodeUploadTest {

  static Azurite azurite;
  FakeArmServer fake;
  final List<AzureMlBackend> backends = new ArrayList<>();
  @TempDir Path dir;
  Path src;

  @BeforeAll
  static void startStorage() {
    azurite = Azurite.start();
  }

  @AfterAll
  static void stopStorage() {
    azurite.close();
  }

  @BeforeEach
  void start() throws Exception {
    fake = FakeArmServer.start(20);
    fake.storage = azurite;
    src = dir.resolve("src");
    Files.createDirectories(src.resolve("data"));
    Files.writeString(src.resolve("train.py"), "print('training', __name__)\n");
    Files.writeString(src.resolve("data/local-cache.csv"), "never,uploaded\n");
    Files.writeString(src.resolve(".amlignore"), "data/\n");
  }

  @AfterEach
  void stop() {
    backends.forEach(AzureMlBackend::close);
    fake.close();
  }

  AzureMlBackend newWorker() {
    AzureMlBackend b =
        FakeArm.backend(fake, FakeArm.fastConfig(fake).build(), new SimpleMeterRegistry());
    backends.add(b);
    return b;
  }

  JobRequest request(String run, String partition) {
    return request(run, partition, null);
  }

  /** With {@code sales} a local per-partition file, when given. */
  JobRequest request(String run, String partition, Path sales) {
    JobRequest r = FakeArm.request(run, partition);
    JobSpec s = r.spec();
    Map<String, JobSpec.JobInput> inputs = new java.util.HashMap<>(s.inputs());
    if (sales != null) {
      inputs.put("sales", new JobSpec.JobInput("uri_file", sales.toString(), "download", null));
    }
    JobSpec local =
        new JobSpec(
            s.command(),
            src.toString(),
            s.environment(),
            s.compute(),
            inputs,
            s.outputs(),
            s.environmentVariables(),
            s.resources(),
            s.limits(),
            s.tags(),
            s.experimentName(),
            s.displayName(),
            s.description(),
            s.extensions());
    return new JobRequest(r.ref(), local, r.partitionTags());
  }

  String codeIdOf(JobRef ref) {
    return fake.jobs.get(ref.jobName()).properties.path("codeId").asText();
  }

  long uploadsOf(String hash, String file) {
    return azurite.requests("PUT", fake.uploadContainer, "LocalUpload/" + hash + "/" + file);
  }

  @Test
  void threeWorkersStartingAtOnceUploadTheFolderOnceAndEveryJobUsesTheSameCodeId()
      throws Exception {
    String hash = CodeSnapshot.of("code", src).hash();
    List<AzureMlBackend> workers = List.of(newWorker(), newWorker(), newWorker());
    ExecutorService pool = Executors.newFixedThreadPool(6);
    List<Callable<JobRef>> submits = new ArrayList<>();
    for (int i = 1; i <= 60; i++) {
      AzureMlBackend w = workers.get(i % 3);
      JobRequest r = request("weekly-demand-2026-W48", String.format("store-%03d", i));
      submits.add(
          () -> {
            w.submit(r);
            return r.ref();
          });
    }
    List<JobRef> refs = new ArrayList<>();
    for (Future<JobRef> f : pool.invokeAll(submits)) {
      refs.add(f.get());
    }
    pool.shutdown();

    assertThat(fake.bodyViolations).isEmpty();
    assertThat(fake.codeVersionCreates).hasValue(1);
    Map<String, Long> codeIds =
        refs.stream().collect(Collectors.groupingBy(this::codeIdOf, Collectors.counting()));
    String codeId =
        FakeArmServer.workspaceId()
            + "/codes/"
            + CodeSnapshot.of("code", src).assetName()
            + "/versions/1";
    assertThat(codeIds).containsExactly(Map.entry(codeId, 60L));
    assertThat(uploadsOf(hash, "train.py"))
        .as("PUTs of the file that reached Azurite")
        .isEqualTo(1);
    List<String> blobs =
        azurite.container(fake.uploadContainer).listBlobs().stream()
            .map(BlobItem::getName)
            .filter(n -> n.startsWith("LocalUpload/" + hash + "/"))
            .toList();
    assertThat(blobs)
        .containsExactlyInAnyOrder(
            "LocalUpload/" + hash + "/.amlignore", "LocalUpload/" + hash + "/train.py");
    assertThat(
            azurite
                .container(fake.uploadContainer)
                .getBlobClient("LocalUpload/" + hash + "/train.py")
                .downloadContent()
                .toString())
        .isEqualTo("print('training', __name__)\n");
    assertThat(fake.codeVersions.values().iterator().next().at("/properties/codeUri").asText())
        .endsWith("/LocalUpload/" + hash + "/");
  }

  @Test
  void aChangedFileGivesANewVersionOnTheNextRunAndUnchangedContentIsFoundByHash() throws Exception {
    JobRef first = request("run-1", "store-001").ref();
    newWorker().submit(request("run-1", "store-001"));
    String firstId = codeIdOf(first);

    // a new worker process, a new run, the same content: found by hash, nothing uploaded
    int pendingBefore = fake.pendingUploads.values().stream().mapToInt(a -> a.get()).sum();
    newWorker().submit(request("run-2", "store-001"));
    assertThat(codeIdOf(request("run-2", "store-001").ref())).isEqualTo(firstId);
    assertThat(fake.pendingUploads.values().stream().mapToInt(a -> a.get()).sum())
        .isEqualTo(pendingBefore);

    Files.writeString(src.resolve("train.py"), "print('a better model')\n");
    newWorker().submit(request("run-3", "store-001"));
    String thirdId = codeIdOf(request("run-3", "store-001").ref());

    assertThat(thirdId).isNotEqualTo(firstId).endsWith("/versions/1");
    assertThat(fake.codeVersionCreates).hasValue(2);
    String newHash = CodeSnapshot.of("code", src).hash();
    assertThat(uploadsOf(newHash, "train.py")).isEqualTo(1);
  }

  @Test
  void eachDistinctLocalInputIsUploadedOnceAndBecomesADatastoreUri() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    for (int i = 1; i <= 12; i++) {
      Files.writeString(
          data.resolve(String.format("store-%03d.csv", i)), "week,units\n1," + (100 + i) + "\n");
    }
    List<AzureMlBackend> workers = List.of(newWorker(), newWorker(), newWorker());
    ExecutorService pool = Executors.newFixedThreadPool(6);
    List<Callable<JobRef>> submits = new ArrayList<>();
    for (int i = 1; i <= 12; i++) {
      String p = String.format("store-%03d", i);
      AzureMlBackend w = workers.get(i % 3);
      JobRequest r = request("weekly-demand-2026-W48", p, data.resolve(p + ".csv"));
      submits.add(
          () -> {
            w.submit(r);
            return r.ref();
          });
    }
    List<JobRef> refs = new ArrayList<>();
    for (Future<JobRef> f : pool.invokeAll(submits)) {
      refs.add(f.get());
    }
    pool.shutdown();

    assertThat(fake.bodyViolations).isEmpty();
    for (JobRef ref : refs) {
      Path file = data.resolve(ref.partitionId() + ".csv");
      String hash = CodeSnapshot.of("inputs.sales.path", file).hash();
      String rel = "LocalUpload/" + hash + "/" + file.getFileName();
      var sales = fake.jobs.get(ref.jobName()).properties.at("/inputs/sales");
      assertThat(sales.path("jobInputType").asText()).isEqualTo("uri_file");
      assertThat(sales.path("uri").asText())
          .isEqualTo("azureml://datastores/workspaceblobstore/paths/" + rel);
      assertThat(azurite.requests("PUT", fake.uploadContainer, rel))
          .as("uploads of %s", rel)
          .isEqualTo(1);
      assertThat(
              azurite
                  .container(fake.uploadContainer)
                  .getBlobClient(rel)
                  .downloadContent()
                  .toString())
          .isEqualTo(Files.readString(file));
    }
    // next week's run, another worker process, unchanged file: found on the datastore
    Path again = data.resolve("store-003.csv");
    String rel = "LocalUpload/" + CodeSnapshot.of("x", again).hash() + "/store-003.csv";
    newWorker().submit(request("weekly-demand-2026-W49", "store-003", again));
    assertThat(azurite.requests("PUT", fake.uploadContainer, rel)).isEqualTo(1);
  }

  @Test
  void aSasDatastoreIsWrittenWithTheSasTokenListSecretsHandsOut() throws Exception {
    fake.datastoreCredentials = "Sas";
    Path sales = Files.writeString(dir.resolve("store-042.csv"), "week,units\n1,42\n");
    JobRequest r = request("weekly-demand-2026-W48", "store-042", sales);

    newWorker().submit(r);

    String rel =
        "LocalUpload/" + CodeSnapshot.of("inputs.sales.path", sales).hash() + "/store-042.csv";
    assertThat(fake.jobs.get(r.jobName()).properties.at("/inputs/sales/uri").asText())
        .isEqualTo("azureml://datastores/workspaceblobstore/paths/" + rel);
    assertThat(
            azurite.container(fake.uploadContainer).getBlobClient(rel).downloadContent().toString())
        .isEqualTo("week,units\n1,42\n");
    assertThat(fake.requestsByKind.get("datastore.listSecrets")).hasValue(1);
    assertThat(fake.bodyViolations).isEmpty();
  }

  @Test
  void jobRenderShowsTheUploadItWouldMakeBeforeThePut() {
    AzureMlRequestRenderer.Rendered r =
        new AzureMlRequestRenderer(TestConfigs.offline()).render(request("run-1", "store-001"));
    CodeSnapshot s = CodeSnapshot.of("code", src);

    assertThat(r.requests())
        .extracting(ArmRequest::operation)
        .containsExactly(
            "code.find", "code.startPendingUpload", "code.upload", "code.put", "job.put");
    ArmRequest upload = r.requests().get(2);
    assertThat(upload.body().path("hash_sha256").asText()).isEqualTo(s.hash());
    assertThat(upload.body().path("files").asInt()).isEqualTo(2);
    assertThat(r.requests().get(0).url()).contains("hash=" + s.hash());
    assertThat(r.jobPut().body().at("/properties/codeId").asText())
        .endsWith("/codes/" + s.assetName() + "/versions/1");
    assertThat(r.notes()).anyMatch(n -> n.contains(s.hash()));
  }
}
