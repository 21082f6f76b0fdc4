package io.partitrain.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The architecture, checked: {@code shared} imports nothing of ours; {@code assets} (the asset
 * component) imports {@code shared} only, so the starter and the azureml backend both use it
 * (starter → assets ← backend); {@code worker} and {@code orchestrator} never import each other,
 * and the orchestrator needs no assets. Maven's module graph already forbids most of it; this test
 * also catches fully qualified references and test code. The layering inside each module is checked
 * by the modules' {@code ArchitectureTest}s (ArchUnit).
 */
class ModuleBoundariesTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @ParameterizedTest(name = "{0} does not use {1}")
  @CsvSource({
    "shared, io.partitrain.orchestrator",
    "shared, io.partitrain.worker",
    "shared, io.partitrain.deploy",
    "shared, io.partitrain.cli",
    "shared, io.partitrain.assets",
    "assets, io.partitrain.worker",
    "assets, io.partitrain.orchestrator",
    "assets, io.partitrain.deploy",
    "assets, io.partitrain.cli",
    "orchestrator, io.partitrain.assets",
    "orchestrator, io.partitrain.worker",
    "orchestrator, io.partitrain.deploy",
    "orchestrator, io.partitrain.cli",
    "worker, io.partitrain.orchestrator",
    "worker, io.partitrain.deploy",
    "worker, io.partitrain.cli"
  })
  void moduleDoesNotReferenceForbiddenPackage(String module, String forbidden) {
    Path src = ROOT.resolve(module).resolve("src");
    assertThat(src).isDirectory();
    List<String> offenders = new ArrayList<>();
    int files = 0;
    try (Stream<Path> paths = Files.walk(src)) {
      for (Path p : (Iterable<Path>) paths.filter(f -> f.toString().endsWith(".java"))::iterator) {
        files++;
        List<String> lines = Files.readAllLines(p);
        for (int i = 0; i < lines.size(); i++) {
          if (lines.get(i).contains(forbidden + ".") || lines.get(i).contains(forbidden + ";")) {
            offenders.add(ROOT.relativize(p) + ":" + (i + 1) + ": " + lines.get(i).strip());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(files).as("java files under " + src).isPositive();
    assertThat(offenders).as(module + " must not use " + forbidden).isEmpty();
  }
}
