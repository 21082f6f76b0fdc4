package io.partitrain.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.shared.config.ServiceSettings;
import io.partitrain.testkit.TestKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 28, item 1: a service in production mode (the default) on a cluster whose topics have one
 * replica refuses to start, and its first error line names the topic and the settings; it used to
 * start, and stop every run at the first broker restart.
 */
@Timeout(180)
class ProductionTopicsIT {

  @RegisterExtension static final TestKafka BROKER = TestKafka.perClass();

  @TempDir Path dir;

  @Test
  void bothServicesRefuseTopicsWithOneReplicaInProductionMode() throws Exception {
    for (String module : new String[] {"orchestrator", "worker"}) {
      try (ServiceProcess service =
          ServiceProcess.start(
              module,
              module,
              dir,
              Map.of(
                  "KAFKA_BOOTSTRAP_SERVERS",
                  BROKER.bootstrapServers(),
                  "PARTITRAIN_TOPIC_PREFIX",
                  "prod-" + module,
                  "PARTITRAIN_BACKEND",
                  "simulated",
                  ServiceSettings.KAFKA_MODE.key(),
                  "production"))) {
        service.awaitExit(Duration.ofSeconds(120));
        String log = service.logText();
        assertThat(service.exitState()).as(log).isNotEqualTo("exited 0");
        assertThat(log)
            .as(module)
            .containsPattern("topic prod-" + module + "\\.[a-z-]+ has 1 replica: production needs")
            .contains("PARTITRAIN_REPLICATION_FACTOR=3", "PARTITRAIN_KAFKA_MODE=single-broker");
      }
    }
  }
}
