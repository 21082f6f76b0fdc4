package io.partitrain.shared.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The length rule of the team brief: no production source file over a limit of lines, so that a
 * file that does several jobs shows up before it grows further. A file still over the limit can be
 * allowed with a ceiling, its line count when it was allowed: it may shrink, never grow.
 */
public final class SourceFileLengths {

  /** The most lines a production file may have. */
  public static final int MAX_LINES = 600;

  private SourceFileLengths() {}

  /**
   * The {@code src/main/java} tree of every module directly under {@code root} (a directory with
   * one), so a module added later is held to the rule too.
   */
  public static List<Path> productionTrees(Path root) {
    try (Stream<Path> modules = Files.list(root)) {
      return modules
          .map(m -> m.resolve("src/main/java"))
          .filter(Files::isDirectory)
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Each {@code .java} file under {@code trees} longer than {@code maxLines}, or than its ceiling
   * in {@code allowed} (keyed by the path relative to {@code root}, with {@code /}), as "path: N
   * lines, more than the limit of M" in path order; empty when every file keeps to it.
   */
  public static List<String> violations(
      Path root, List<Path> trees, int maxLines, Map<String, Integer> allowed) {
    List<String> out = new ArrayList<>();
    for (Path tree : trees) {
      try (Stream<Path> files = Files.walk(tree)) {
        for (Path f :
            (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java")).sorted()::iterator) {
          String name = root.relativize(f).toString().replace('\\', '/');
          int lines = lines(f);
          Integer ceiling = allowed.get(name);
          int limit = ceiling == null ? maxLines : ceiling;
          if (lines > limit) {
            out.add(
                name
                    + ": "
                    + lines
                    + " lines, more than "
                    + (ceiling == null
                        ? "the limit of " + maxLines
                        : "its allowed ceiling of " + ceiling + " (it may shrink, never grow)"));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  /** Lines as {@code wc -l} counts them for a file that ends with a newline. */
  private static int lines(Path f) throws IOException {
    try (Stream<String> lines = Files.lines(f)) {
      return (int) lines.count();
    }
  }
}
