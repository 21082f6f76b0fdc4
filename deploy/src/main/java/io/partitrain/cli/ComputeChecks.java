package io.partitrain.cli;

import io.partitrain.shared.contracts.ComputeCapacity;
import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.plan.Plan;
import io.partitrain.worker.backend.azureml.AzureMlBackend;
import io.partitrain.worker.backend.azureml.AzureMlConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * The compute check of {@code run plan} and {@code run start}: for each compute target of a plan,
 * what its Azure ML cluster and the subscription's vCPU quota hold, asked with the worker's {@code
 * azureml.*} settings ({@link AzureMlBackend#computeCapacity}). {@code run plan} prints it next to
 * the node cap; {@code run start} sends it with the start, and the orchestrator, which holds the
 * cap, records a warning (or refuses) when the cap is more than that.
 */
final class ComputeChecks {

  static final String CONFIG_ENV = "PARTITRAIN_AZUREML_CONFIG";

  /** The options both verbs share (a picocli mixin). */
  static final class Options {
    @Option(
        names = "--azureml-config",
        paramLabel = "FILE",
        description =
            "the worker's azureml.* properties file: check each compute target's maxNodeCount and"
                + " vCPU quota (default: $"
                + CONFIG_ENV
                + "; neither: no check)")
    Path azureMlConfig;

    /** The settings file named by the option or the environment; empty when neither names one. */
    Optional<Path> file() {
      if (azureMlConfig != null) {
        return Optional.of(azureMlConfig);
      }
      String env = System.getenv(CONFIG_ENV);
      return env == null || env.isBlank() ? Optional.empty() : Optional.of(Path.of(env));
    }
  }

  /**
   * One compute target's answer: what it holds, or why it could not be asked.
   *
   * @param computeTarget the target
   * @param capacity what the service answered; null when {@code error} says why not
   * @param error why the service could not say; null when it answered
   */
  record Checked(String computeTarget, ComputeCapacity capacity, String error) {}

  private ComputeChecks() {}

  /** The compute targets the plan's partitions use, in plan order. */
  static Set<String> targets(Plan plan) {
    Set<String> targets = new LinkedHashSet<>();
    for (PartitionSpec p : plan.partitions()) {
      targets.add(plan.template().render("compute-check", p).computeTarget());
    }
    return targets;
  }

  /**
   * Asks the service about each compute target of the plan.
   *
   * @throws IllegalArgumentException when the settings file cannot be read or is invalid
   */
  static List<Checked> check(
      Plan plan, Path settings, Function<AzureMlConfig, AzureMlBackend> backends) {
    AzureMlConfig config = AzureMlConfig.fromProperties(read(settings));
    List<Checked> out = new ArrayList<>();
    try (AzureMlBackend backend = backends.apply(config)) {
      for (String target : targets(plan)) {
        try {
          out.add(new Checked(target, backend.computeCapacity(target), null));
        } catch (RuntimeException e) {
          out.add(new Checked(target, null, e.getMessage()));
        }
      }
    }
    return out;
  }

  /** The answers that came back. */
  static List<ComputeCapacity> capacities(List<Checked> checked) {
    return checked.stream().filter(c -> c.capacity() != null).map(Checked::capacity).toList();
  }

  /** An {@code azureml.*} properties file as a map. */
  static Map<String, String> read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "--azureml-config (or $"
              + CONFIG_ENV
              + ") must name the azureml.* properties file, but was '"
              + file
              + "'");
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    }
    Map<String, String> m = new LinkedHashMap<>();
    p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
    return m;
  }
}
