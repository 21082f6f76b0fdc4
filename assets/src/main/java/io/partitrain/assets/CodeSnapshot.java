package io.partitrain.assets;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The content of a local {@code code:} folder (or one input file or folder) as the Azure ML CLI
 * sees it: the files it would upload, and their content hash, computed the way azure-ai-ml computes
 * an asset's {@code hash_sha256} (hash version {@value #HASH_VERSION}). The same content gives the
 * same hash on every machine, so a code version registered by one worker, by another, or by {@code
 * az ml job create} itself is found and reused instead of uploaded again.
 *
 * <p>The hash is SHA-256 over: the number of files; then for each file, ordered by its relative
 * path compared case-insensitively, {@code #path#} and its size in bytes; then the bytes of each
 * file in the same order. Paths use {@code /}. Files excluded by the folder's {@code .amlignore}
 * (else its {@code .gitignore}) are left out, as the CLI does; symbolic links are followed.
 *
 * <p>Biggest limitation: the ignore file is read at the folder's root only, and its patterns are
 * gitignore's common subset ({@code *}, {@code ?}, {@code **}, {@code [..]}, {@code !}, a trailing
 * {@code /} for folders, a leading or inner {@code /} to anchor).
 */
public final class CodeSnapshot {

  /** The azure-ai-ml hash version of {@link #hash()}. */
  public static final String HASH_VERSION = "202208";

  /** One file: its path on this machine and its path inside the snapshot ({@code /}-separated). */
  public record Entry(Path file, String relativePath, long size) {}

  private final Path root;
  private final List<Entry> entries;
  private final String hash;

  private CodeSnapshot(Path root, List<Entry> entries, String hash) {
    this.root = root;
    this.entries = List.copyOf(entries);
    this.hash = hash;
  }

  /**
   * Reads a folder (or a single file) and hashes it.
   *
   * @throws AzureMlTranslationException when the path does not exist
   */
  public static CodeSnapshot of(String field, Path path) {
    Path p = path.toAbsolutePath().normalize();
    if (Files.isRegularFile(p)) {
      Entry e = new Entry(p, p.getFileName().toString(), size(p));
      return new CodeSnapshot(p, List.of(e), hash(List.of(e)));
    }
    if (!Files.isDirectory(p)) {
      throw new AzureMlTranslationException(
          field, path.toString(), "does not exist on this worker");
    }
    IgnoreRules ignore = IgnoreRules.of(p);
    List<Entry> entries = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(p, FileVisitOption.FOLLOW_LINKS)) {
      walk.filter(Files::isRegularFile)
          .forEach(
              f -> {
                String rel = p.relativize(f).toString().replace('\\', '/');
                if (!ignore.excludes(rel)) {
                  entries.add(new Entry(f, rel, size(f)));
                }
              });
    } catch (IOException | UncheckedIOException e) {
      throw new AzureMlTranslationException(field, path.toString(), "cannot be read: " + e);
    }
    entries.sort(Comparator.comparing(e -> e.relativePath().toLowerCase(Locale.ROOT)));
    return new CodeSnapshot(p, entries, hash(entries));
  }

  public Path root() {
    return root;
  }

  /** The files to upload, in hash order. */
  public List<Entry> entries() {
    return entries;
  }

  /** SHA-256, lower-case hex: the code version's {@code hash_sha256} property. */
  public String hash() {
    return hash;
  }

  public long totalBytes() {
    return entries.stream().mapToLong(Entry::size).sum();
  }

  /**
   * The asset name Partitrain registers this content under: a UUID made of the hash's first 128
   * bits. The same content is the same asset in every run, on every worker.
   */
  public String assetName() {
    String h = hash;
    return h.substring(0, 8)
        + "-"
        + h.substring(8, 12)
        + "-"
        + h.substring(12, 16)
        + "-"
        + h.substring(16, 20)
        + "-"
        + h.substring(20, 32);
  }

  private static String hash(List<Entry> entries) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    sha.update(String.valueOf(entries.size()).getBytes(StandardCharsets.UTF_8));
    for (Entry e : entries) {
      sha.update(("#" + e.relativePath() + "#").getBytes(StandardCharsets.UTF_8));
      sha.update(String.valueOf(e.size()).getBytes(StandardCharsets.UTF_8));
    }
    byte[] buf = new byte[1 << 16];
    for (Entry e : entries) {
      try (InputStream in = Files.newInputStream(e.file())) {
        int n;
        while ((n = in.read(buf)) > 0) {
          sha.update(buf, 0, n);
        }
      } catch (IOException ex) {
        throw new UncheckedIOException("cannot read " + e.file(), ex);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static long size(Path f) {
    try {
      return Files.size(f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The root's {@code .amlignore}, else its {@code .gitignore}; the last matching rule wins. */
  static final class IgnoreRules {
    private record Rule(Pattern pattern, boolean negated, boolean dirOnly) {}

    private final List<Rule> rules;

    private IgnoreRules(List<Rule> rules) {
      this.rules = rules;
    }

    static IgnoreRules of(Path root) {
      Path file = root.resolve(".amlignore");
      if (!Files.isRegularFile(file)) {
        file = root.resolve(".gitignore");
      }
      if (!Files.isRegularFile(file)) {
        return new IgnoreRules(List.of());
      }
      try {
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    static IgnoreRules parse(List<String> lines) {
      List<Rule> rules = new ArrayList<>();
      for (String raw : lines) {
        String line = raw.stripTrailing();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        boolean negated = line.startsWith("!");
        if (negated) {
          line = line.substring(1);
        }
        boolean dirOnly = line.endsWith("/");
        if (dirOnly) {
          line = line.substring(0, line.length() - 1);
        }
        boolean anchored = line.contains("/");
        if (line.startsWith("/")) {
          line = line.substring(1);
        }
        if (line.isEmpty()) {
          continue;
        }
        String glob = toRegex(line);
        rules.add(
            new Rule(
                Pattern.compile(anchored ? "^" + glob + "$" : "^(?:.*/)?" + glob + "$"),
                negated,
                dirOnly));
      }
      return new IgnoreRules(rules);
    }

    /** Whether a file (a {@code /}-separated path under the root) is left out. */
    boolean excludes(String relativePath) {
      boolean excluded = false;
      String[] parts = relativePath.split("/");
      StringBuilder prefix = new StringBuilder();
      for (int i = 0; i < parts.length; i++) {
        if (i > 0) {
          prefix.append('/');
        }
        prefix.append(parts[i]);
        boolean isDir = i < parts.length - 1;
        String p = prefix.toString();
        for (Rule r : rules) {
          if ((isDir || !r.dirOnly()) && r.pattern().matcher(p).matches()) {
            excluded = !r.negated();
          }
        }
        if (excluded && isDir) {
          return true; // git never re-includes a file inside an excluded folder
        }
      }
      return excluded;
    }

    private static String toRegex(String glob) {
      StringBuilder re = new StringBuilder();
      for (int i = 0; i < glob.length(); i++) {
        char c = glob.charAt(i);
        if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
          boolean slashAfter = i + 2 < glob.length() && glob.charAt(i + 2) == '/';
          re.append(slashAfter ? "(?:.*/)?" : ".*");
          i += slashAfter ? 2 : 1;
        } else if (c == '*') {
          re.append("[^/]*");
        } else if (c == '?') {
          re.append("[^/]");
        } else if (c == '[') {
          int end = glob.indexOf(']', i + 1);
          if (end < 0) {
            re.append("\\[");
          } else {
            String cls = glob.substring(i + 1, end);
            re.append('[').append(cls.startsWith("!") ? "^" + cls.substring(1) : cls).append(']');
            i = end;
          }
        } else if (c == '\\' && i + 1 < glob.length()) {
          re.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
        } else {
          re.append(Pattern.quote(String.valueOf(c)));
        }
      }
      return re.toString();
    }
  }
}
