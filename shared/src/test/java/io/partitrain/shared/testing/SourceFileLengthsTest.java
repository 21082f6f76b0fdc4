package io.partitrain.shared.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The length rule can fail: planted files over the limit and over their ceiling are reported. */
class SourceFileLengthsTest {

  @TempDir Path root;

  private Path file(String name, int lines) throws IOException {
    Path f = root.resolve(name);
    Files.createDirectories(f.getParent());
    Files.writeString(f, "//\n".repeat(lines));
    return f;
  }

  @Test
  void aFileOverTheLimitIsReportedAndOneAtTheLimitIsNot() throws IOException {
    file("a/src/main/java/x/Long.java", 11);
    file("a/src/main/java/x/Fits.java", 10);
    file("b/src/main/java/y/Other.txt", 50);

    List<String> found =
        SourceFileLengths.violations(root, SourceFileLengths.productionTrees(root), 10, Map.of());

    assertThat(found)
        .containsExactly("a/src/main/java/x/Long.java: 11 lines, more than the limit of 10");
  }

  @Test
  void anAllowedFileMayShrinkButNotGrowPastItsCeiling() throws IOException {
    file("a/src/main/java/x/Shrunk.java", 15);
    file("a/src/main/java/x/Grown.java", 21);
    Map<String, Integer> allowed =
        Map.of("a/src/main/java/x/Shrunk.java", 20, "a/src/main/java/x/Grown.java", 20);

    List<String> found =
        SourceFileLengths.violations(root, SourceFileLengths.productionTrees(root), 10, allowed);

    assertThat(found)
        .containsExactly(
            "a/src/main/java/x/Grown.java: 21 lines, more than its allowed ceiling of 20 (it may"
                + " shrink, never grow)");
  }

  @Test
  void onlyTheProductionTreeOfEachModuleIsRead() throws IOException {
    file("a/src/main/java/x/Main.java", 1);
    file("a/src/test/java/x/LongTest.java", 99);
    file("notamodule/x/Loose.java", 99);

    assertThat(SourceFileLengths.productionTrees(root))
        .containsExactly(root.resolve("a/src/main/java"));
  }
}
