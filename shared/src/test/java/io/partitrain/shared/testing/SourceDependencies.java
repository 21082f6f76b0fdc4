package io.partitrain.shared.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The package graph as the source text says it: every import (single-type, on-demand, static) and
 * every fully qualified name in the code, comments and string literals left out. ArchUnit reads
 * bytecode, where javac has already inlined {@code static final} constants, so a package that only
 * uses another's constant (or only names a type in a static import of one) looks independent of it
 * there; here it does not. A package {@code a.b.internal} (or {@code a.b.internal.c}) counts as
 * {@code a.b}, like {@link ArchitectureRules#noPackageCycles}: it is the owner's implementation.
 *
 * <p>The limit: packages are told from types by case ({@code io.partitrain.shared.serde.Json}: the
 * package ends before the first segment that starts with an upper-case letter), which is this
 * project's naming; a lower-case type name would be read as a package.
 */
public final class SourceDependencies {

  /** One use of package {@code to} by a file of package {@code from}, where the source says it. */
  public record Use(String from, String to, Path file, int line, String name) {
    @Override
    public String toString() {
      return from + " -> " + to + ": " + file + ":" + line + " (" + name + ")";
    }
  }

  private static final Pattern PACKAGE = Pattern.compile("(?m)^\\s*package\\s+([\\w.]+)\\s*;");

  private final String root;
  private final Pattern qualifiedType;
  private final Pattern onDemandImport;

  /** from package -> to package -> the first use found (files in path order, so stable). */
  private final Map<String, Map<String, Use>> uses = new TreeMap<>();

  private SourceDependencies(String root) {
    this.root = root;
    String pkg = Pattern.quote(root) + "(?:\\.[a-z_][\\w]*)*";
    // Not preceded by an identifier or a dot: `xio.partitrain.X` or `a.io.partitrain.X` are not
    // ours.
    this.qualifiedType = Pattern.compile("(?<![\\w.])(" + pkg + ")\\s*\\.\\s*([A-Z]\\w*)");
    this.onDemandImport = Pattern.compile("(?m)^\\s*import\\s+(" + pkg + ")\\s*\\.\\s*\\*\\s*;");
  }

  /**
   * Reads every {@code .java} file under the given source trees and keeps the uses between packages
   * under {@code root} (the root package itself included).
   */
  public static SourceDependencies scan(String root, Path... sourceTrees) {
    SourceDependencies deps = new SourceDependencies(root);
    for (Path tree : sourceTrees) {
      if (!Files.isDirectory(tree)) {
        throw new IllegalArgumentException(tree + ": source tree: not a directory");
      }
      try (Stream<Path> files = Files.walk(tree)) {
        for (Path f :
            (Iterable<Path>) files.filter(SourceDependencies::isJava).sorted()::iterator) {
          deps.read(f);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return deps;
  }

  private static boolean isJava(Path p) {
    return p.toString().endsWith(".java") && Files.isRegularFile(p);
  }

  private void read(Path path) throws IOException {
    Path file = Path.of("").toAbsolutePath().relativize(path.toAbsolutePath());
    String code = JavaCode.withoutCommentsAndLiterals(Files.readString(path));
    Matcher pkg = PACKAGE.matcher(code);
    if (!pkg.find() || !isOurs(pkg.group(1))) {
      return;
    }
    String from = slice(pkg.group(1));
    Matcher type = qualifiedType.matcher(code);
    while (type.find()) {
      record(from, type.group(1), file, lineOf(code, type.start()), type.group(0));
    }
    Matcher onDemand = onDemandImport.matcher(code);
    while (onDemand.find()) {
      record(from, onDemand.group(1), file, lineOf(code, onDemand.start(1)), onDemand.group(1));
    }
  }

  private void record(String from, String toPackage, Path file, int line, String name) {
    if (!isOurs(toPackage)) {
      return;
    }
    String to = slice(toPackage);
    if (!to.equals(from)) {
      uses.computeIfAbsent(from, k -> new TreeMap<>())
          .putIfAbsent(to, new Use(from, to, file, line, name.replaceAll("\\s+", "")));
    }
  }

  private boolean isOurs(String pkg) {
    return pkg.equals(root) || pkg.startsWith(root + ".");
  }

  private static String slice(String pkg) {
    String owner = ArchitectureRules.ownerOfInternal(pkg);
    return owner == null ? pkg : owner;
  }

  private static int lineOf(String text, int index) {
    int line = 1;
    for (int i = 0; i < index; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  /** The packages that {@code from} uses (its own slice excluded), in name order. */
  public TreeSet<String> usedBy(String from) {
    return new TreeSet<>(uses.getOrDefault(from, Map.of()).keySet());
  }

  /**
   * Each cycle as its packages (a strongly connected component of two or more), in name order, with
   * for each edge inside it the first use found.
   */
  public Map<List<String>, List<Use>> cycles() {
    Map<List<String>, List<Use>> cycles =
        new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
    for (List<String> component : new Tarjan().components()) {
      if (component.size() < 2) {
        continue;
      }
      List<String> members = new ArrayList<>(new TreeSet<>(component));
      List<Use> edges = new ArrayList<>();
      for (String from : members) {
        for (Use u : uses.getOrDefault(from, Map.of()).values()) {
          if (members.contains(u.to())) {
            edges.add(u);
          }
        }
      }
      cycles.put(members, edges);
    }
    return cycles;
  }

  /** The cycles, one paragraph each naming where each edge is in the source; empty if none. */
  public String cycleReport() {
    StringBuilder out = new StringBuilder();
    cycles()
        .forEach(
            (members, edges) -> {
              out.append("package cycle: ").append(String.join(" <-> ", members)).append('\n');
              edges.forEach(e -> out.append("  ").append(e).append('\n'));
            });
    return out.toString();
  }

  /** Tarjan's strongly connected components over {@link #uses} (recursive: the graph is small). */
  private final class Tarjan {
    private final Map<String, Integer> index = new HashMap<>();
    private final Map<String, Integer> low = new HashMap<>();
    private final Deque<String> stack = new ArrayDeque<>();
    private final List<List<String>> components = new ArrayList<>();

    List<List<String>> components() {
      TreeSet<String> nodes = new TreeSet<>(uses.keySet());
      uses.values().forEach(m -> nodes.addAll(m.keySet()));
      for (String n : nodes) {
        if (!index.containsKey(n)) {
          visit(n);
        }
      }
      return components;
    }

    private void visit(String n) {
      index.put(n, index.size());
      low.put(n, index.get(n));
      stack.push(n);
      for (String m : uses.getOrDefault(n, Map.of()).keySet()) {
        if (!index.containsKey(m)) {
          visit(m);
          low.put(n, Math.min(low.get(n), low.get(m)));
        } else if (stack.contains(m)) {
          low.put(n, Math.min(low.get(n), index.get(m)));
        }
      }
      if (low.get(n).equals(index.get(n))) {
        List<String> component = new ArrayList<>();
        String m;
        do {
          m = stack.pop();
          component.add(m);
        } while (!m.equals(n));
        components.add(component);
      }
    }
  }
}
