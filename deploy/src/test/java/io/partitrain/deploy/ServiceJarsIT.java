package io.partitrain.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The orchestrator and worker service jars (built in the package phase, before this runs) are
 * runnable and carry no Kafka broker: only the all-in-one runnable does.
 */
class ServiceJarsIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @ParameterizedTest(name = "{0} service jar")
  @CsvSource({
    "orchestrator, io.partitrain.orchestrator.OrchestratorMain",
    "worker, io.partitrain.worker.WorkerMain"
  })
  void serviceJarIsRunnableAndCarriesNoBroker(String module, String mainClass) throws IOException {
    Path jar;
    try (Stream<Path> files = Files.list(ROOT.resolve(module).resolve("target"))) {
      jar =
          files
              .filter(p -> p.getFileName().toString().endsWith("-service.jar"))
              .findFirst()
              .orElseThrow();
    }
    try (JarFile j = new JarFile(jar.toFile())) {
      assertThat(j.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo(mainClass);
      assertThat(j.getEntry(mainClass.replace('.', '/') + ".class")).isNotNull();
      assertThat(j.getEntry("org/apache/kafka/clients/producer/KafkaProducer.class")).isNotNull();
      assertThat(j.stream().map(e -> e.getName()))
          .noneMatch(
              n ->
                  n.startsWith("kafka/server/")
                      || n.startsWith("scala/")
                      || n.startsWith("org/apache/kafka/controller/"));
    }
  }

  @org.junit.jupiter.api.Test
  void theAllInOneJarCarriesTheBrokerTheCliAndTheExample() throws IOException {
    try (JarFile j = new JarFile(ROOT.resolve("deploy/target/partitrain.jar").toFile())) {
      assertThat(j.getManifest().getMainAttributes().getValue("Main-Class"))
          .isEqualTo("io.partitrain.cli.main.PartitrainCli");
      assertThat(j.getEntry("kafka/server/KafkaRaftServer.class")).isNotNull();
      assertThat(j.getEntry("examples/weekly-demand/src/Train.java")).isNotNull();
      assertThat(j.getEntry("examples/weekly-demand/job.yml")).isNotNull();
    }
  }
}
