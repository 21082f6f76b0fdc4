package io.partitrain.shared.plan;

import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.shared.contracts.PartitionSpec;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Keeps a plan's local paths inside the plan's root ({@link PlanRoot}: the git work tree that holds
 * the plan, or the plan's {@code root:}): {@code code}, every local input {@code path} and every
 * local output {@code path} must resolve, after the partition placeholders are substituted, inside
 * the root or an allowed root ({@value #ALLOWED_ROOTS_ENV}, a {@code :}-separated list of absolute
 * folders, for shared data). Paths resolve as {@code az ml} resolves them, relative to the
 * job.yml's folder, and may climb with {@code ..} as long as they stay inside. Output names must be
 * plain names, because they become folder names. Resolution is lexical ({@code ..} removed) and
 * then real: a symlink inside the root that points outside it is refused too. A refusal names the
 * field, the value as written, the path it resolves to and the root.
 *
 * <p>Why: the local backend reads code and inputs and writes outputs as the worker's user; a plan
 * (or a start command written straight to the topic) must not make it read {@code ~/.ssh} or write
 * over another job's folder.
 *
 * <p>An instance checks one plan at one moment: it resolves the root, the allowed roots and each
 * folder its paths lie in once, and a path's last element with one {@code lstat}. A plan's
 * partitions mostly share a few folders, and resolving every path whole (a system call per path
 * element, and the plan's folder again for every comparison) made the orchestrator spend a quarter
 * of a second re-checking a start of 10,000 partitions (issue 12).
 */
public final class PlanPaths {

  /** Extra folders plans may read from ({@code /data/shared:/mnt/features}). */
  public static final String ALLOWED_ROOTS_ENV = "PARTITRAIN_PLAN_ALLOWED_ROOTS";

  /** What an output name must look like: it becomes a folder name. */
  public static final String OUTPUT_NAME_RULE = "^[A-Za-z_][A-Za-z0-9_-]{0,63}$";

  private static final Pattern OUTPUT_NAME = Pattern.compile(OUTPUT_NAME_RULE);

  /** How many folders an instance remembers the real path of. */
  private static final int REMEMBERED_FOLDERS = 1024;

  private final PlanRoot root;
  private final Path rootDir;
  private final List<Path> allowedRoots;

  /** The real paths of the plan's root and of the allowed roots, once resolved. */
  private List<Path> realRoots;

  /** The real path of the longest existing part of a folder, by folder (most recently used). */
  private final Map<Path, Optional<Path>> realFolders =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, Optional<Path>> eldest) {
          return size() > REMEMBERED_FOLDERS;
        }
      };

  private PlanPaths(PlanRoot root, List<Path> allowedRoots) {
    this.root = root;
    this.rootDir = root.path();
    this.allowedRoots = List.copyOf(allowedRoots);
  }

  /** Paths confined to {@code planDir} (a plan's folder as its own root) and the extra roots. */
  public static PlanPaths of(Path planDir, List<Path> allowedRoots) {
    return of(PlanRoot.folder(planDir), allowedRoots);
  }

  /** Paths confined to {@code root} and the given extra roots. */
  public static PlanPaths of(PlanRoot root, List<Path> allowedRoots) {
    List<Path> roots = new ArrayList<>();
    for (Path r : allowedRoots) {
      roots.add(r.toAbsolutePath().normalize());
    }
    return new PlanPaths(root, roots);
  }

  /** Paths confined to {@code root} and the roots named by {@value #ALLOWED_ROOTS_ENV}. */
  public static PlanPaths forRoot(PlanRoot root) {
    String env = System.getenv(ALLOWED_ROOTS_ENV);
    List<Path> roots = new ArrayList<>();
    if (env != null) {
      for (String r : env.split(File.pathSeparator)) {
        if (!r.isBlank() && Path.of(r.strip()).isAbsolute()) {
          roots.add(Path.of(r.strip()));
        }
      }
    }
    return of(root, roots);
  }

  /**
   * Adds a violation, naming the field, the value and the rule, for each path of {@code
   * partition}'s rendering of {@code template} that leaves the plan. A violation that does not
   * depend on the partition is added once.
   */
  public void check(
      JobTemplate template, String runId, PartitionSpec partition, List<PlanViolation> v) {
    JobSpec job = template.render(runId, partition);
    String src = template.source();
    if (job.code() != null && JobTemplate.isLocalPath(job.code())) {
      confine(src, "code", job.code(), template.writtenPath("code", runId, partition), v);
    }
    if (job.environment() instanceof Map<?, ?> env) {
      if (env.get("conda_file") instanceof String conda && JobTemplate.isLocalPath(conda)) {
        String field = "environment.conda_file";
        confine(src, field, conda, template.writtenPath(field, runId, partition), v);
      }
      if (env.get("build") instanceof Map<?, ?> build
          && build.get("path") instanceof String context
          && JobTemplate.isLocalPath(context)) {
        String field = "environment.build.path";
        confine(src, field, context, template.writtenPath(field, runId, partition), v);
      }
    }
    for (Map.Entry<String, JobSpec.JobInput> in : job.inputs().entrySet()) {
      String path = in.getValue().path();
      if (path != null && JobTemplate.isLocalPath(path)) {
        String field = "inputs." + in.getKey() + ".path";
        confine(src, field, path, template.writtenPath(field, runId, partition), v);
      }
    }
    for (Map.Entry<String, JobSpec.JobOutput> out : job.outputs().entrySet()) {
      if (!OUTPUT_NAME.matcher(out.getKey()).matches()) {
        add(
            v,
            new PlanViolation(
                src, "outputs." + out.getKey(), out.getKey(), "must match " + OUTPUT_NAME_RULE));
      }
      String path = out.getValue() == null ? null : out.getValue().path();
      if (path != null && JobTemplate.isLocalPath(path)) {
        String field = "outputs." + out.getKey() + ".path";
        confine(src, field, path, template.writtenPath(field, runId, partition), v);
      }
    }
  }

  /**
   * @param value the path as rendered (absolute once a job.yml is loaded)
   * @param written the path as the job.yml wrote it, rendered for the partition; null if unknown
   */
  private void confine(
      String src, String field, String value, String written, List<PlanViolation> v) {
    String shown = written == null ? value : written;
    Path p;
    try {
      p = rootDir.resolve(value).normalize();
    } catch (InvalidPathException e) {
      add(v, new PlanViolation(src, field, shown, "must be a valid path"));
      return;
    }
    if (!inside(p)) {
      add(v, new PlanViolation(src, field, shown, rule() + "; it resolves to " + p));
      return;
    }
    Path real = realPathOf(p);
    if (real != null && !inside(real)) {
      add(
          v,
          new PlanViolation(
              src,
              field,
              shown,
              rule() + "; it resolves to " + p + ", and a symbolic link leads to " + real));
    }
  }

  private String rule() {
    return "must stay inside the plan's root "
        + rootDir
        + " ("
        + root.origin()
        + ")"
        + (allowedRoots.isEmpty() ? "" : " or an allowed root " + allowedRoots)
        + ": '..' may climb only inside it, and no symbolic link may lead out of it";
  }

  private boolean inside(Path p) {
    if (p.startsWith(rootDir)) {
      return true;
    }
    for (Path root : allowedRoots) {
      if (p.startsWith(root)) {
        return true;
      }
    }
    for (Path real : realRoots()) {
      if (p.startsWith(real)) {
        return true;
      }
    }
    return false;
  }

  private List<Path> realRoots() {
    if (realRoots == null) {
      List<Path> real = new ArrayList<>();
      real.add(realOrSelf(rootDir));
      allowedRoots.forEach(r -> real.add(realOrSelf(r)));
      realRoots = List.copyOf(real);
    }
    return realRoots;
  }

  /**
   * The real path of the longest existing prefix of {@code p}, or null if none exists: {@link
   * #realPathOfExistingPart} of its folder, remembered, and its last element looked at once, as
   * long as that is no symbolic link.
   */
  private Path realPathOf(Path p) {
    Path folder = p.getParent();
    if (folder == null) {
      return realPathOfExistingPart(p);
    }
    BasicFileAttributes leaf;
    try {
      leaf = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      leaf = null; // nothing there: the longest existing part is in its folder
    }
    if (leaf != null && leaf.isSymbolicLink()) {
      return realPathOfExistingPart(p);
    }
    Path realFolder =
        realFolders
            .computeIfAbsent(folder, f -> Optional.ofNullable(realPathOfExistingPart(f)))
            .orElse(null);
    if (leaf == null || realFolder == null) {
      return realFolder;
    }
    return realFolder.resolve(p.getFileName());
  }

  /** The real path of the longest existing prefix of {@code p}, or null if none exists. */
  private static Path realPathOfExistingPart(Path p) {
    Path existing = p;
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return null;
    }
    try {
      return existing.toRealPath();
    } catch (IOException e) {
      // A dangling link: it points somewhere that does not exist; judge where it points.
      try {
        if (Files.isSymbolicLink(existing)) {
          return existing.resolveSibling(Files.readSymbolicLink(existing)).normalize();
        }
      } catch (IOException ignored) {
        // unreadable: fall through to the lexical verdict already given
      }
      return null;
    }
  }

  private static Path realOrSelf(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      return p;
    }
  }

  private static void add(List<PlanViolation> v, PlanViolation violation) {
    if (!v.contains(violation)) {
      v.add(violation);
    }
  }
}
