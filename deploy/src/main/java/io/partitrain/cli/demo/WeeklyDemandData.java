package io.partitrain.cli.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Synthetic daily unit sales for the {@code weekly-demand} example plan: one CSV per store ({@code
 * date,units}, {@value #DAYS} consecutive days ending on {@link #END_DATE}), the input that {@code
 * deploy/examples/weekly-demand/src/Train.java} fits a Holt-Winters model to.
 *
 * <p>Each series is level × trend × weekly pattern × yearly season × noise. The weekly pattern
 * follows the store's business unit ({@link #businessUnitOf}): grocery sells most on Friday to
 * Sunday, convenience on weekdays, pharmacy on weekdays with a quiet Sunday. Everything else
 * (level, growth, pattern strength, yearly phase and amplitude, noise) comes from a {@link Random}
 * seeded from {@code (seed, storeId)}, so a store's file is byte-identical across runs and machines
 * ({@link StrictMath} only) and does not depend on which other stores are generated with it.
 *
 * <p>A <em>broken</em> store gets the kind of damage real extracts have: a few units of {@code n/a}
 * or empty, a negative return booking, a re-sent (duplicated) day. Train.java rejects such a file
 * with exit code 2, which the demo uses to show a USER failure that is not retried automatically
 * and is fixed by {@link #repair} plus an operator rerun.
 *
 * <p>Biggest advantage: no data set to ship, and every run of the demo sees the same numbers.
 * Biggest limitation: the series are cleaner than real sales (no promotions, holidays, stock-outs
 * or closures), so the MAPE the example reports flatters the model.
 */
public final class WeeklyDemandData {

  /** Last day of every generated series (a Sunday: the day before the run of 2026-W48). */
  public static final LocalDate END_DATE = LocalDate.of(2026, 11, 22);

  /** Number of daily rows per store: two years. */
  public static final int DAYS = 730;

  /** First line of every file. */
  public static final String HEADER = "date,units";

  /** Business units the generator knows; {@link #businessUnitOf} returns one of them. */
  public static final List<String> BUSINESS_UNITS = List.of("grocery", "convenience", "pharmacy");

  /** Partition ids (and so file names) must match this; it also keeps ids from escaping dataDir. */
  public static final Pattern STORE_ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$");

  private static final long BUSINESS_UNIT_SALT = 0x6275_7369_6E65_7373L; // "business"
  private static final long CORRUPTION_SALT = 0x636F_7272_7570_7421L; // "corrupt!"
  private static final long PICK_SALT = 0x7069_636B_2D62_726BL; // "pick-brk"

  private WeeklyDemandData() {}

  /**
   * Writes {@code dataDir/<storeId>.csv} for every store, creating {@code dataDir} if needed and
   * replacing existing files. Stores in {@code brokenStores} get corrupted rows.
   *
   * @throws IllegalArgumentException if a store id does not match {@link #STORE_ID}, appears twice,
   *     or a broken store is not one of {@code storeIds}
   * @throws UncheckedIOException if a file cannot be written
   */
  public static void writeAll(
      Path dataDir, List<String> storeIds, long seed, Set<String> brokenStores) {
    Objects.requireNonNull(dataDir, "dataDir");
    Set<String> ids = validatedIds(storeIds);
    for (String broken : brokenStores) {
      if (!ids.contains(broken)) {
        throw new IllegalArgumentException(
            "broken store '" + broken + "' is not one of the " + ids.size() + " store ids");
      }
    }
    createDirectories(dataDir);
    for (String id : ids) {
      writeFile(fileOf(dataDir, id), csv(id, seed, brokenStores.contains(id)));
    }
  }

  /**
   * Rewrites {@code dataDir/<storeId>.csv} with the clean series for {@code seed}: the same bytes
   * {@link #writeAll} writes for a store that is not broken. The replacement is atomic where the
   * file system allows, so a job reading the file sees the old or the new content, never half.
   */
  public static void repair(Path dataDir, String storeId, long seed) {
    Objects.requireNonNull(dataDir, "dataDir");
    validateId(storeId);
    createDirectories(dataDir);
    writeFile(fileOf(dataDir, storeId), csv(storeId, seed, false));
  }

  /**
   * Picks {@code count} stores to corrupt. The choice depends only on the set of ids, the count and
   * the seed (not on the order of {@code storeIds}); the result iterates in id order.
   *
   * @throws IllegalArgumentException if {@code count} is negative or exceeds the number of stores
   */
  public static Set<String> pickBroken(List<String> storeIds, int count, long seed) {
    List<String> sorted = new ArrayList<>(new TreeSet<>(validatedIds(storeIds)));
    if (count < 0 || count > sorted.size()) {
      throw new IllegalArgumentException(
          "count must be between 0 and the number of stores ("
              + sorted.size()
              + "), but was "
              + count);
    }
    Collections.shuffle(sorted, new Random(mix(seed, PICK_SALT)));
    return Collections.unmodifiableSet(new TreeSet<>(sorted.subList(0, count)));
  }

  /**
   * The business unit whose weekly pattern a store's series follows: a function of the id alone
   * (not the seed), so {@code stores.csv} can carry it as a tag that matches the data.
   */
  public static String businessUnitOf(String storeId) {
    validateId(storeId);
    double u = new Random(mix(fnv1a64(storeId), BUSINESS_UNIT_SALT)).nextDouble();
    return u < 0.5 ? "grocery" : u < 0.8 ? "convenience" : "pharmacy";
  }

  /** The file {@link #writeAll} writes for a store: {@code dataDir/<storeId>.csv}. */
  public static Path fileOf(Path dataDir, String storeId) {
    validateId(storeId);
    return dataDir.resolve(storeId + ".csv");
  }

  /** The full file content for one store, header and trailing newline included. */
  static String csv(String storeId, long seed, boolean broken) {
    long[] units = new StoreSeries(storeId, seed).units();
    List<String> rows = new ArrayList<>(DAYS);
    LocalDate first = END_DATE.minusDays(DAYS - 1L);
    for (int day = 0; day < DAYS; day++) {
      rows.add(first.plusDays(day) + "," + units[day]);
    }
    if (broken) {
      corrupt(rows, new Random(mix(mix(seed, fnv1a64(storeId)), CORRUPTION_SALT)));
    }
    StringBuilder out = new StringBuilder(16 * (DAYS + 8)).append(HEADER).append('\n');
    rows.forEach(row -> out.append(row).append('\n'));
    return out.toString();
  }

  /**
   * Damages two to four rows, at least one of them within the first year so a reader that stops at
   * the first problem finds it early, the way an extract that went wrong usually looks.
   */
  private static void corrupt(List<String> rows, Random random) {
    int damages = 2 + random.nextInt(3);
    for (int i = 0; i < damages; i++) {
      int row = 20 + random.nextInt(i == 0 ? 300 : rows.size() - 40);
      String date = rows.get(row).substring(0, rows.get(row).indexOf(','));
      switch (random.nextInt(4)) {
        case 0 -> rows.set(row, date + ",n/a");
        case 1 -> rows.set(row, date + ",");
        case 2 -> rows.set(row, date + ",-" + (1 + random.nextInt(12)));
        default -> rows.add(row + 1, rows.get(row)); // the same day sent twice
      }
    }
  }

  private static Set<String> validatedIds(List<String> storeIds) {
    Objects.requireNonNull(storeIds, "storeIds");
    Set<String> ids = new LinkedHashSet<>();
    for (String id : storeIds) {
      validateId(id);
      if (!ids.add(id)) {
        throw new IllegalArgumentException("store id '" + id + "' appears more than once");
      }
    }
    return ids;
  }

  private static void validateId(String storeId) {
    if (storeId == null || !STORE_ID.matcher(storeId).matches()) {
      throw new IllegalArgumentException(
          "store id must match " + STORE_ID.pattern() + ", but was '" + storeId + "'");
    }
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create data directory " + dir, e);
    }
  }

  private static void writeFile(Path file, String content) {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** 64-bit FNV-1a of the UTF-8 bytes: stable across JVMs and releases, unlike a salted hash. */
  private static long fnv1a64(String s) {
    long hash = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= 0x100000001b3L;
    }
    return hash;
  }

  /** SplitMix64 finaliser over the pair, so nearby seeds and ids give unrelated streams. */
  private static long mix(long a, long b) {
    long z = a * 0x9E3779B97F4A7C15L + b;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** The shape of one store's series, drawn from its {@code (seed, storeId)} random stream. */
  private static final class StoreSeries {
    private final Random random;
    private final double[] weekly; // Monday..Sunday, mean 1
    private final double level;
    private final double yearlyPeakDay;
    private final double growthPerYear;
    private final double yearlyAmplitude;
    private final double noise;

    StoreSeries(String storeId, long seed) {
      random = new Random(mix(seed, fnv1a64(storeId)));
      switch (businessUnitOf(storeId)) {
        case "grocery" -> {
          double weekend = 0.20 + 0.20 * random.nextDouble();
          weekly =
              normalised(
                  1 - weekend / 3,
                  1 - weekend / 3,
                  1 - weekend / 4,
                  1,
                  1 + weekend / 2,
                  1 + weekend,
                  1 + weekend * 0.7);
          level = 180 + 220 * random.nextDouble();
          yearlyPeakDay = 345 + 15 * random.nextGaussian(); // December
        }
        case "convenience" -> {
          double weekday = 0.15 + 0.15 * random.nextDouble();
          weekly =
              normalised(
                  1 + weekday / 2,
                  1 + weekday / 2,
                  1 + weekday / 2,
                  1 + weekday / 2,
                  1 + weekday,
                  1 - weekday,
                  1 - weekday * 1.4);
          level = 70 + 80 * random.nextDouble();
          yearlyPeakDay = 200 + 20 * random.nextGaussian(); // July
        }
        default -> { // pharmacy
          double sunday = 0.45 + 0.25 * random.nextDouble();
          weekly = normalised(1.15, 1.05, 1.0, 1.0, 1.05, 0.9, 1 - sunday);
          level = 40 + 50 * random.nextDouble();
          yearlyPeakDay = 20 + 15 * random.nextGaussian(); // January: colds and flu
        }
      }
      growthPerYear = -0.04 + 0.14 * random.nextDouble();
      yearlyAmplitude = 0.05 + 0.10 * random.nextDouble();
      noise = 0.05 + 0.04 * random.nextDouble();
    }

    private static double[] normalised(double... mondayToSunday) {
      double sum = 0;
      for (double m : mondayToSunday) {
        sum += m;
      }
      double[] out = new double[mondayToSunday.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = mondayToSunday[i] * out.length / sum;
      }
      return out;
    }

    /** Level × linear growth × yearly cosine × weekday × (1 + Gaussian noise), rounded, >= 0. */
    long[] units() {
      long[] units = new long[DAYS];
      LocalDate first = END_DATE.minusDays(DAYS - 1L);
      for (int day = 0; day < DAYS; day++) {
        LocalDate date = first.plusDays(day);
        double growth = 1 + growthPerYear * day / 365.0;
        double yearly =
            1
                + yearlyAmplitude
                    * StrictMath.cos(
                        2 * StrictMath.PI * (date.getDayOfYear() - yearlyPeakDay) / 365.25);
        double expected = level * growth * yearly * weekly[date.getDayOfWeek().getValue() - 1];
        units[day] = Math.max(0, StrictMath.round(expected * (1 + noise * random.nextGaussian())));
      }
      return units;
    }
  }
}
