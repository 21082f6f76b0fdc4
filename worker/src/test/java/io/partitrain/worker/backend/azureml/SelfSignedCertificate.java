package io.partitrain.worker.backend.azureml;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A certificate for {@code localhost}/127.0.0.1 made at test start with the JDK's keytool (no extra
 * dependency), valid for a day, trusted by the test client only: nothing is added to the JVM's or
 * the machine's trust store.
 */
final class SelfSignedCertificate {

  private static final char[] PASSWORD = "fake-arm-test-only".toCharArray();
  private static volatile SelfSignedCertificate shared;

  private final KeyStore keyStore;

  private SelfSignedCertificate(KeyStore keyStore) {
    this.keyStore = keyStore;
  }

  /** One certificate per test JVM: keytool takes about a second. */
  static SelfSignedCertificate shared() {
    if (shared == null) {
      synchronized (SelfSignedCertificate.class) {
        if (shared == null) {
          shared = create();
        }
      }
    }
    return shared;
  }

  private static SelfSignedCertificate create() {
    try {
      Path dir = Files.createTempDirectory("fake-arm-cert");
      Path store = dir.resolve("fake-arm.p12");
      Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
      Process p =
          new ProcessBuilder(
                  List.of(
                      keytool.toString(),
                      "-genkeypair",
                      "-alias",
                      "fake-arm",
                      "-keyalg",
                      "EC",
                      "-groupname",
                      "secp256r1",
                      "-validity",
                      "1",
                      "-dname",
                      "CN=localhost",
                      "-ext",
                      "SAN=dns:localhost,ip:127.0.0.1",
                      "-storetype",
                      "PKCS12",
                      "-keystore",
                      store.toString(),
                      "-storepass",
                      new String(PASSWORD),
                      "-keypass",
                      new String(PASSWORD)))
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("keytool failed: " + out);
      }
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(store)) {
        ks.load(in, PASSWORD);
      }
      Files.deleteIfExists(store);
      Files.deleteIfExists(dir);
      return new SelfSignedCertificate(ks);
    } catch (Exception e) {
      throw new IllegalStateException("cannot make the fake ARM server's certificate", e);
    }
  }

  SSLContext serverContext() throws Exception {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keyStore, PASSWORD);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }

  /**
   * Writes the key and certificate as a PKCS#12 file (for a server that is not in this JVM, such as
   * Azurite's {@code --cert FILE --pwd PASSWORD}); {@link #password()} opens it.
   */
  Path writePkcs12(Path dir) throws Exception {
    Path file = dir.resolve("test-cert.pfx");
    try (var out = Files.newOutputStream(file)) {
      keyStore.store(out, PASSWORD);
    }
    return file;
  }

  String password() {
    return new String(PASSWORD);
  }

  /** Trusts this certificate and nothing else. */
  TrustManagerFactory trustManagers() throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("fake-arm", keyStore.getCertificate("fake-arm"));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    return tmf;
  }
}
