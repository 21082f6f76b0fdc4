package io.partitrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.shared.config.Env;
import io.partitrain.shared.kafka.KafkaSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class KafkaOptionsTest {

  @Command(name = "probe")
  static class Probe {
    @Mixin KafkaOptions kafka;
  }

  @TempDir Path dir;

  @Test
  void theCliTakesTheSameClientFileAsTheServicesWithOverridesOnTop() throws Exception {
    Path file = dir.resolve("operator.properties");
    Files.writeString(
        file,
        "bootstrap.servers=ns.servicebus.windows.net:9093\n"
            + "security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\n");
    Probe probe = new Probe();
    new CommandLine(probe)
        .parseArgs(
            "--kafka-config",
            file.toString(),
            "--kafka-property",
            "sasl.mechanism=SCRAM-SHA-512",
            "--topic-prefix",
            "team-a");

    KafkaSettings s =
        probe.kafka.settings(new Env(Map.of("PARTITRAIN_KAFKA_SASL_MECHANISM", "OAUTHBEARER")));

    assertThat(s.bootstrapServers()).isEqualTo("ns.servicebus.windows.net:9093");
    assertThat(s.topics().prefix()).isEqualTo("team-a");
    assertThat(s.consumer("c", null))
        .containsEntry("security.protocol", "SASL_SSL")
        .as("--kafka-property wins over PARTITRAIN_KAFKA_* and the file")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
  }

  @Test
  void theEnvironmentNamesTheFileWhenTheOptionIsAbsent() throws Exception {
    Path file = dir.resolve("k.properties");
    Files.writeString(file, "security.protocol=SSL\n");
    Probe probe = new Probe();
    new CommandLine(probe).parseArgs("--bootstrap-servers", "b:9093");

    KafkaSettings s =
        probe.kafka.settings(new Env(Map.of("PARTITRAIN_KAFKA_CONFIG", file.toString())));

    assertThat(s.bootstrapServers()).isEqualTo("b:9093");
    assertThat(s.extra()).containsEntry("security.protocol", "SSL");
  }
}
