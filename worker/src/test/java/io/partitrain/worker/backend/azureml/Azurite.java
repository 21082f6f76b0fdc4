package io.partitrain.worker.backend.azureml;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.sas.BlobContainerSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.azure.storage.common.StorageSharedKeyCredential;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Azure Storage emulator (the {@code azurite} npm package, pinned in {@code
 * tools/azurite/package-lock.json}), for the blob traffic of the azureml backend: code and data
 * uploads, job logs. The first test that needs it runs {@code npm ci} there (under a file lock, so
 * parallel test JVMs install once); each instance is its own process on a free port with its data
 * in a temporary folder, and is stopped by {@link #close()}.
 */
public final class Azurite implements AutoCloseable {

  /** Azurite's well-known development account (public, documented by Microsoft). */
  public static final String ACCOUNT = "devstoreaccount1";

  private static final String KEY =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
  private static final Pattern LISTENING =
      Pattern.compile("successfully listens on (https?://[0-9.]+:[0-9]+)");

  private final Process process;
  private final Path data;
  private final String endpoint;
  private final BlobServiceClient service;

  private Azurite(Process process, Path data, String endpoint) {
    this.process = process;
    this.data = data;
    this.endpoint = endpoint;
    BlobServiceClientBuilder b =
        new BlobServiceClientBuilder()
            .endpoint(blobEndpoint())
            .credential(new StorageSharedKeyCredential(ACCOUNT, KEY));
    if (endpoint.startsWith("https:")) {
      b.httpClient(FakeArm.trustingClient(java.time.Duration.ofSeconds(30)));
    }
    this.service = b.buildClient();
  }

  /** Installs Azurite if needed and starts a blob service on a free loopback port. */
  public static Azurite start() {
    return start(List.of());
  }

  /**
   * Azurite over HTTPS (the test certificate, which {@link FakeArm#trustingClient} trusts) that
   * also accepts Entra ID bearer tokens ({@code --oauth basic}: it checks the token's issuer,
   * audience and expiry, not its signature), for identity-based datastores. The account key still
   * works, for the test's own view.
   */
  public static Azurite startWithOAuth() {
    try {
      Path certDir = Files.createTempDirectory("azurite-cert-");
      SelfSignedCertificate cert = SelfSignedCertificate.shared();
      return start(
          List.of(
              "--cert",
              cert.writePkcs12(certDir).toString(),
              "--pwd",
              cert.password(),
              "--oauth",
              "basic"));
    } catch (Exception e) {
      throw new IllegalStateException("cannot start Azurite with OAuth", e);
    }
  }

  private static Azurite start(List<String> extra) {
    Path tools = toolsDir();
    install(tools);
    try {
      Path data = Files.createTempDirectory("azurite-");
      List<String> command =
          new java.util.ArrayList<>(
              List.of(
                  tools.resolve("node_modules/.bin/azurite-blob").toString(),
                  "--blobHost",
                  "127.0.0.1",
                  "--blobPort",
                  "0",
                  "--location",
                  data.toString(),
                  "--debug",
                  data.resolve("debug.log").toString(),
                  "--skipApiVersionCheck",
                  "--loose"));
      command.addAll(extra);
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String endpoint =
          CompletableFuture.supplyAsync(() -> awaitListening(out)).get(60, TimeUnit.SECONDS);
      Thread drain =
          new Thread(
              () -> {
                try {
                  out.lines().forEach(l -> {});
                } catch (UncheckedIOException e) {
                  // the process was stopped
                }
              },
              "azurite-output");
      drain.setDaemon(true);
      drain.start();
      return new Azurite(p, data, endpoint);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start Azurite from " + tools, e);
    }
  }

  private static String awaitListening(BufferedReader out) {
    try {
      String line;
      while ((line = out.readLine()) != null) {
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          return m.group(1);
        }
      }
      throw new IllegalStateException("Azurite exited before listening");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code npm ci} in tools/azurite once per machine (until node_modules is removed). */
  private static void install(Path tools) {
    Path marker = tools.resolve("node_modules/.bin/azurite-blob");
    if (Files.isExecutable(marker)) {
      return;
    }
    try (FileChannel lockFile =
            FileChannel.open(
                tools.resolve(".install.lock"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock = lockFile.lock()) {
      if (Files.isExecutable(marker)) {
        return;
      }
      Process npm =
          new ProcessBuilder(List.of("npm", "ci", "--no-audit", "--no-fund"))
              .directory(tools.toFile())
              .redirectErrorStream(true)
              .redirectOutput(tools.resolve("npm-ci.log").toFile())
              .start();
      if (!npm.waitFor(15, TimeUnit.MINUTES) || npm.exitValue() != 0) {
        throw new IllegalStateException(
            "'npm ci' in " + tools + " failed; see " + tools.resolve("npm-ci.log"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot install Azurite in " + tools, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Path toolsDir() {
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("tools/azurite/package.json"))) {
        return p.resolve("tools/azurite");
      }
    }
    throw new IllegalStateException("tools/azurite/package.json not found above " + here);
  }

  /** The development account's key (public knowledge; what listSecrets hands out in tests). */
  public static String accountKey() {
    return KEY;
  }

  /** {@code http://127.0.0.1:PORT/devstoreaccount1}. */
  public String blobEndpoint() {
    return endpoint + "/" + ACCOUNT;
  }

  /**
   * Requests Azurite received with this method for one blob (or blobs whose name starts so): what
   * really reached storage, from its own debug log.
   */
  public long requests(String method, String container, String blobNamePrefix) {
    String needle =
        "RequestMethod="
            + method
            + " RequestURL=http://127.0.0.1/"
            + ACCOUNT
            + "/"
            + container
            + "/"
            + blobNamePrefix.replace("/", "%2F");
    try (var lines = Files.lines(data.resolve("debug.log"), StandardCharsets.UTF_8)) {
      return lines.filter(l -> l.contains(needle)).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A client with the account key: the test's view of what really reached storage. */
  public BlobServiceClient service() {
    return service;
  }

  /** The container, created if absent. */
  public BlobContainerClient container(String name) {
    BlobContainerClient c = service.getBlobContainerClient(name);
    if (!c.exists()) {
      c.createIfNotExists();
    }
    return c;
  }

  /** A container-level read/write/list SAS URL, as ARM's startPendingUpload hands out. */
  public String containerSasUrl(String container) {
    BlobContainerClient c = container(container);
    String sas =
        c.generateSas(
            new BlobServiceSasSignatureValues(
                OffsetDateTime.now().plusHours(2),
                new BlobContainerSasPermission()
                    .setReadPermission(true)
                    .setWritePermission(true)
                    .setCreatePermission(true)
                    .setListPermission(true)
                    .setAddPermission(true)));
    return c.getBlobContainerUrl() + "?" + sas;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (var walk = Files.walk(data)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp folder left behind is harmless
    }
  }
}
