package io.partitrain.shared.plan;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * The folder a plan's local paths must stay inside. A job.yml resolves its paths as {@code az ml}
 * does, relative to its own folder and free to climb with {@code ..} ({@code code: ../src}), but
 * never out of this root: the git work tree that holds the plan (the nearest folder above it with a
 * {@code .git}), or the folder the plan names with {@code root:}; a plan outside any work tree is
 * its own root.
 *
 * <p>Why a work tree: a team keeps {@code plan.yml}, {@code job.yml}, its code and its assets in
 * one repository, so the repository is what a job may read; {@code /etc} or {@code ~/.ssh} is never
 * part of it.
 *
 * @param path the root, absolute and normalized
 * @param origin why it is the root, for refusals ({@code "the git work tree that holds the plan"})
 */
public record PlanRoot(Path path, String origin) {

  /** The plan.yml key that names the root, relative to the plan's folder. */
  public static final String ROOT_KEY = "root";

  static final String GIT_ORIGIN = "the git work tree that holds the plan";
  static final String FOLDER_ORIGIN =
      "the plan's folder: no git work tree holds it; name a wider one with root: in the plan";
  static final String DECLARED_ORIGIN = "root: in the plan";
  static final String COMMAND_ORIGIN = "the start's planRoot";

  public PlanRoot {
    path = path.toAbsolutePath().normalize();
  }

  /** A root that is the plan's folder itself. */
  public static PlanRoot folder(Path planDir) {
    return new PlanRoot(planDir, FOLDER_ORIGIN);
  }

  /** The nearest folder at or above {@code planDir} holding a {@code .git}, else the folder. */
  public static PlanRoot discover(Path planDir) {
    Path dir = planDir.toAbsolutePath().normalize();
    for (Path p = dir; p != null; p = p.getParent()) {
      // a directory in a clone, a file in a linked worktree or a submodule
      if (Files.exists(p.resolve(".git"))) {
        return new PlanRoot(p, GIT_ORIGIN);
      }
    }
    return folder(dir);
  }

  /**
   * The root of the plan in {@code planDir}: {@code declared} ({@code root:}, relative to the
   * plan's folder) when given, else {@link #discover}. A declared root must be an existing folder
   * that holds the plan; otherwise a violation is added and the plan's folder is the root.
   */
  static PlanRoot of(Path planDir, String declared, String file, List<PlanViolation> v) {
    if (declared == null) {
      return discover(planDir);
    }
    Path dir = planDir.toAbsolutePath().normalize();
    Path root;
    try {
      root = dir.resolve(declared).normalize();
    } catch (InvalidPathException e) {
      v.add(new PlanViolation(file, ROOT_KEY, declared, "must be a valid path"));
      return folder(dir);
    }
    if (!Files.isDirectory(root)) {
      v.add(
          new PlanViolation(file, ROOT_KEY, declared, "must be an existing folder (" + root + ")"));
      return folder(dir);
    }
    if (!dir.startsWith(root)) {
      v.add(
          new PlanViolation(
              file,
              ROOT_KEY,
              declared,
              "must hold the plan's folder " + dir + " (it resolves to " + root + ")"));
      return folder(dir);
    }
    return new PlanRoot(root, DECLARED_ORIGIN);
  }
}
