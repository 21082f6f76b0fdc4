package io.partitrain.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeeklyDemandDataTest {

  private static final long SEED = 42L;
  private static final List<String> STORES =
      IntStream.rangeClosed(1, 40).mapToObj(i -> String.format("store-%03d", i)).toList();

  @TempDir Path tmp;

  @Test
  void sameSeedWritesTheSameBytes() throws IOException {
    Set<String> broken = WeeklyDemandData.pickBroken(STORES, 3, SEED);
    WeeklyDemandData.writeAll(tmp.resolve("a"), STORES, SEED, broken);
    WeeklyDemandData.writeAll(tmp.resolve("b"), STORES, SEED, broken);

    for (String store : STORES) {
      assertThat(bytes("a", store)).as(store).isEqualTo(bytes("b", store));
    }
    assertThat(Files.list(tmp.resolve("a"))).hasSize(STORES.size()); // no temp files left over
  }

  /** Pins the generator across JVMs and releases: if you change it on purpose, update the hash. */
  private static final String PINNED_STORE_001_SEED_42 =
      "7ff9184a52c7749c00cdbef1a3edef7843a5adb14ad198cb7084f96a04aee960";

  @Test
  void outputIsPinned() throws NoSuchAlgorithmException {
    byte[] csv = WeeklyDemandData.csv("store-001", SEED, false).getBytes(StandardCharsets.UTF_8);
    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(csv));

    assertThat(sha256).isEqualTo(PINNED_STORE_001_SEED_42);
  }

  @Test
  void differentSeedsOrStoresGiveDifferentSeries() {
    String base = WeeklyDemandData.csv("store-001", SEED, false);

    assertThat(WeeklyDemandData.csv("store-001", SEED + 1, false)).isNotEqualTo(base);
    assertThat(WeeklyDemandData.csv("store-002", SEED, false)).isNotEqualTo(base);
  }

  @Test
  void aStoreDoesNotDependOnWhichOtherStoresAreGenerated() throws IOException {
    WeeklyDemandData.writeAll(tmp.resolve("a"), STORES, SEED, Set.of());
    WeeklyDemandData.writeAll(tmp.resolve("b"), List.of("store-017"), SEED, Set.of());

    assertThat(bytes("b", "store-017")).isEqualTo(bytes("a", "store-017"));
  }

  @Test
  void cleanFileIsTwoYearsOfConsecutiveDaysEndingOnTheFixedDate() {
    List<String> lines = WeeklyDemandData.csv("store-003", SEED, false).lines().toList();

    assertThat(lines).hasSize(1 + WeeklyDemandData.DAYS);
    assertThat(lines.get(0)).isEqualTo("date,units");
    LocalDate expected = WeeklyDemandData.END_DATE.minusDays(WeeklyDemandData.DAYS - 1L);
    for (String line : lines.subList(1, lines.size())) {
      String[] fields = line.split(",", -1);
      assertThat(LocalDate.parse(fields[0])).as(line).isEqualTo(expected);
      assertThat(fields[1]).as(line).matches("\\d+");
      expected = expected.plusDays(1);
    }
  }

  @Test
  void weeklyPatternFollowsTheBusinessUnit() {
    for (String store : STORES) {
      double[] byWeekday = meanByWeekday(WeeklyDemandData.csv(store, SEED, false));
      double weekend = (byWeekday[5] + byWeekday[6]) / 2;
      double midweek = (byWeekday[1] + byWeekday[2]) / 2;
      switch (WeeklyDemandData.businessUnitOf(store)) {
        case "grocery" -> assertThat(weekend).as(store).isGreaterThan(midweek * 1.15);
        case "convenience", "pharmacy" -> assertThat(weekend).as(store).isLessThan(midweek * 0.9);
        default -> throw new AssertionError("unexpected business unit for " + store);
      }
    }
  }

  @Test
  void brokenStoreDiffersFromItsCleanFileByRowsTrainRejects() {
    String clean = WeeklyDemandData.csv("store-005", SEED, false);
    String broken = WeeklyDemandData.csv("store-005", SEED, true);

    assertThat(broken).isNotEqualTo(clean);
    assertThat(rejectedRows(broken)).isNotEmpty();
    assertThat(rejectedRows(clean)).isEmpty();
  }

  @Test
  void everyStoreCanBeBrokenAndEveryBrokenFileHasARejectedRowInItsFirstYear() {
    for (String store : STORES) {
      List<Integer> rejected = rejectedRows(WeeklyDemandData.csv(store, SEED, true));
      assertThat(rejected).as(store).isNotEmpty();
      assertThat(rejected.get(0)).as(store).isLessThan(365);
    }
  }

  @Test
  void repairRewritesTheCleanFile() throws IOException {
    WeeklyDemandData.writeAll(tmp.resolve("clean"), STORES, SEED, Set.of());
    WeeklyDemandData.writeAll(tmp.resolve("fixed"), STORES, SEED, Set.of("store-005"));
    assertThat(bytes("fixed", "store-005")).isNotEqualTo(bytes("clean", "store-005"));

    WeeklyDemandData.repair(tmp.resolve("fixed"), "store-005", SEED);

    assertThat(bytes("fixed", "store-005")).isEqualTo(bytes("clean", "store-005"));
  }

  @Test
  void pickBrokenIsDeterministicAndIgnoresInputOrder() {
    Set<String> picked = WeeklyDemandData.pickBroken(STORES, 3, SEED);
    List<String> reversed = new ArrayList<>(STORES);
    Collections.reverse(reversed);

    assertThat(picked).hasSize(3).isSubsetOf(STORES);
    assertThat(WeeklyDemandData.pickBroken(reversed, 3, SEED)).isEqualTo(picked);
    assertThat(WeeklyDemandData.pickBroken(STORES, 3, SEED)).containsExactlyElementsOf(picked);
    assertThat(WeeklyDemandData.pickBroken(STORES, 0, SEED)).isEmpty();
    assertThat(WeeklyDemandData.pickBroken(STORES, 40, SEED)).hasSize(40);
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> WeeklyDemandData.pickBroken(STORES, 41, SEED))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("between 0 and the number of stores (40), but was 41");
    assertThatThrownBy(() -> WeeklyDemandData.writeAll(tmp, List.of("../etc"), SEED, Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'../etc'");
    assertThatThrownBy(
            () -> WeeklyDemandData.writeAll(tmp, List.of("store-001", "store-001"), SEED, Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("appears more than once");
    assertThatThrownBy(
            () -> WeeklyDemandData.writeAll(tmp, List.of("store-001"), SEED, Set.of("store-002")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'store-002' is not one of");
    assertThatThrownBy(() -> WeeklyDemandData.repair(tmp, "a/b", SEED))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private byte[] bytes(String dir, String store) throws IOException {
    return Files.readAllBytes(WeeklyDemandData.fileOf(tmp.resolve(dir), store));
  }

  private static double[] meanByWeekday(String csv) {
    double[] sum = new double[7];
    int[] count = new int[7];
    csv.lines()
        .skip(1)
        .forEach(
            line -> {
              String[] fields = line.split(",");
              int day =
                  LocalDate.parse(fields[0]).getDayOfWeek().getValue()
                      - DayOfWeek.MONDAY.getValue();
              sum[day] += Double.parseDouble(fields[1]);
              count[day]++;
            });
    double[] mean = new double[7];
    for (int d = 0; d < 7; d++) {
      mean[d] = sum[d] / count[d];
    }
    return mean;
  }

  /** Data row numbers (1-based) that break Train.java's rules: not a number >= 0, date repeated. */
  private static List<Integer> rejectedRows(String csv) {
    List<String> rows = csv.lines().skip(1).toList();
    List<Integer> rejected = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      String[] fields = rows.get(i).split(",", -1);
      boolean repeated = i > 0 && rows.get(i - 1).startsWith(fields[0] + ",");
      if (repeated || !fields[1].matches("\\d+")) {
        rejected.add(i + 1);
      }
    }
    return rejected;
  }
}
