import java.io.BufferedReader;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Trains one store's daily demand model for the {@code weekly-demand} example plan.
 *
 * <pre>java Train.java --sales &lt;csv&gt; --model &lt;outdir&gt; --store &lt;id&gt;</pre>
 *
 * <p>Reads {@code date,units} (one row per consecutive day), holds out the last {@value
 * #HOLDOUT_DAYS} days, chooses the smoothing parameters by a grid search that forecasts the last
 * {@value #VALIDATION_DAYS} training days, refits on all training days, forecasts the holdout from
 * the end of training, and writes {@code model.json} and {@code metrics.json} to the model folder.
 *
 * <p>The model is exponential smoothing with a weekly season of length 7 (Holt-Winters, additive or
 * multiplicative, whichever validates better). Demand also has a yearly season, which 13 weeks
 * ahead matters more than any trend; two years of data are too few to smooth a 365-day season, so
 * when the series has a year of history before the validation slice, the forecast carries the
 * yearly shape as last year's ratio: the {@value #YEARLY_WINDOW}-day mean around the same day
 * {@value #YEARLY_LAG} days earlier (weekday-aligned) over the one around the forecast origin. That
 * ratio holds growth too, so the model then has no trend term. With less history the model falls
 * back to Holt-Winters with a damped additive trend.
 *
 * <p>Exit codes: 0 trained; 2 bad arguments or bad data (one line on stderr naming the file, row,
 * value and rule); 1 anything unexpected. Needs only a JDK 17: the launcher compiles this file.
 *
 * <p>Biggest advantage: a few readable parameters, fitted in milliseconds, that reproduce every
 * forecast from model.json plus the sales file. Biggest limitation: one year of history defines the
 * yearly shape, so a one-off event last year (a promotion, a closure, a moving holiday such as
 * Easter) is forecast to happen again on the same weekday this year.
 */
public class Train {

  static final int SEASON = 7;
  static final int HOLDOUT_DAYS = 91;
  static final int VALIDATION_DAYS = 91;
  static final int INIT_WEEKS = 4;
  static final int MIN_FIT_DAYS = 8 * SEASON;
  static final int MIN_ROWS = MIN_FIT_DAYS + VALIDATION_DAYS + HOLDOUT_DAYS;
  static final int YEARLY_LAG = 364;
  static final int YEARLY_WINDOW = 28;
  static final int FORECAST_DAYS = 7;

  static final double[] ALPHAS = {0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5};
  static final double[] GAMMAS = {0.01, 0.02, 0.05, 0.1, 0.2, 0.3};
  static final double[] BETAS = {0.0, 0.005, 0.02, 0.05};
  static final double[] PHIS = {0.8, 0.9, 0.95, 0.98};

  static final String HEADER = "date,units";
  static final String USAGE = "usage: java Train.java --sales <csv> --model <outdir> --store <id>";
  static final Pattern NUMBER = Pattern.compile("[+-]?\\d+(\\.\\d+)?");

  public static void main(String[] args) {
    long started = System.nanoTime();
    int exitCode;
    try {
      run(Args.parse(args), started);
      exitCode = 0;
    } catch (BadInputException e) {
      System.err.println("Train: " + e.getMessage());
      exitCode = 2;
    } catch (Throwable e) {
      System.err.println("Train: unexpected error: " + e);
      e.printStackTrace(System.err);
      exitCode = 1;
    }
    System.exit(exitCode);
  }

  static void run(Args args, long started) throws BadInputException, IOException {
    String tag = "[store=" + args.store() + "]";
    Series series = Series.read(args.sales());
    double[] y = series.units();
    int trainRows = series.size() - HOLDOUT_DAYS;
    int validationStart = trainRows - VALIDATION_DAYS;
    series.requireSales(validationStart, trainRows, "validation");
    series.requireSales(trainRows, series.size(), "holdout");
    say(
        "%s read %d rows %s..%s from %s, mean %.1f units/day",
        tag, series.size(), series.dateAt(0), series.last(), args.sales(), series.mean());
    say(
        "%s train %s..%s (%d rows), holdout %s..%s (%d rows)",
        tag,
        series.dateAt(0),
        series.dateAt(trainRows - 1),
        trainRows,
        series.dateAt(trainRows),
        series.last(),
        HOLDOUT_DAYS);

    boolean yearly =
        Yearly.covers(y, validationStart - 1)
            && Yearly.covers(y, trainRows - 1)
            && Yearly.covers(y, series.size() - 1);
    Search search = Search.run(y, validationStart, yearly);
    Params best = search.best();
    say(
        "%s %s; grid search over %d candidates on validation %s..%s: best %s, mape %.4f",
        tag,
        yearly
            ? "weekly season x last year's profile"
            : "weekly season + damped trend (under a" + " year of history: no yearly profile)",
        search.candidates(),
        series.dateAt(validationStart),
        series.dateAt(trainRows - 1),
        best,
        search.bestScore());

    HoltWinters model = HoltWinters.init(y, best);
    model.fit(0, trainRows);
    State atTrainEnd = model.state();
    Metrics metrics = Metrics.of(y, trainRows, model.forecast(HOLDOUT_DAYS));
    Metrics naive = Metrics.of(y, trainRows, seasonalNaive(y, trainRows));
    say(
        "%s holdout: mape %.4f rmse %.2f (seasonal naive: mape %.4f rmse %.2f)",
        tag, metrics.mape(), metrics.rmse(), naive.mape(), naive.rmse());

    // Same parameters, state carried through the holdout: the model that forecasts next week.
    model.fit(trainRows, series.size());
    Files.createDirectories(args.model());
    Files.writeString(
        args.model().resolve("model.json"),
        Json.model(args.store(), series, trainRows, search, atTrainEnd, model, metrics, naive));
    Files.writeString(args.model().resolve("metrics.json"), Json.metrics(metrics, trainRows));
    say(
        "%s wrote model.json and metrics.json to %s in %d ms",
        tag, args.model(), (System.nanoTime() - started) / 1_000_000);
  }

  /** Last training week repeated: the baseline the model has to beat, logged and saved. */
  static double[] seasonalNaive(double[] y, int trainRows) {
    double[] forecast = new double[HOLDOUT_DAYS];
    for (int h = 0; h < HOLDOUT_DAYS; h++) {
      forecast[h] = y[trainRows - SEASON + h % SEASON];
    }
    return forecast;
  }

  static void say(String format, Object... values) {
    System.out.println(String.format(Locale.ROOT, format, values));
  }

  /** Bad arguments or bad data: exit code 2; the message is the whole diagnosis. */
  static final class BadInputException extends Exception {
    private static final long serialVersionUID = 1L;

    BadInputException(String message) {
      super(message, null, false, false);
    }
  }

  record Args(Path sales, Path model, String store) {
    static Args parse(String[] args) throws BadInputException {
      Map<String, String> values = new HashMap<>();
      for (int i = 0; i < args.length; i += 2) {
        if (!List.of("--sales", "--model", "--store").contains(args[i])) {
          throw new BadInputException("unknown argument '" + args[i] + "'; " + USAGE);
        }
        if (i + 1 == args.length || args[i + 1].isBlank()) {
          throw new BadInputException("argument " + args[i] + " needs a value; " + USAGE);
        }
        values.put(args[i], args[i + 1]);
      }
      for (String key : List.of("--sales", "--model", "--store")) {
        if (!values.containsKey(key)) {
          throw new BadInputException("missing argument " + key + "; " + USAGE);
        }
      }
      return new Args(
          Path.of(values.get("--sales")), Path.of(values.get("--model")), values.get("--store"));
    }
  }

  /** A validated daily series: one row per consecutive day from {@code start}, units >= 0. */
  record Series(Path file, LocalDate start, double[] units) {

    static Series read(Path file) throws BadInputException, IOException {
      List<Double> units = new ArrayList<>(800);
      LocalDate start = null;
      LocalDate previous = null;
      int line = 1;
      try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        String header = reader.readLine();
        if (header == null || !header.replace("\uFEFF", "").strip().equalsIgnoreCase(HEADER)) {
          throw bad(
              file,
              "line 1: header " + quote(header) + "; rule: the first line is '" + HEADER + "'");
        }
        for (String text = reader.readLine(); text != null; text = reader.readLine()) {
          line++;
          if (text.isBlank()) {
            continue;
          }
          String at = "row " + (line - 1) + " (line " + line + "): ";
          String[] fields = text.split(",", -1);
          if (fields.length != 2) {
            throw bad(
                file,
                at
                    + quote(text)
                    + " has "
                    + fields.length
                    + " fields; rule: each row is 'date,units'");
          }
          LocalDate date = parseDate(file, at, fields[0].strip());
          if (previous != null) {
            checkNext(file, at, previous, date);
          }
          units.add(parseUnits(file, at, fields[1].strip()));
          start = start == null ? date : start;
          previous = date;
        }
      } catch (NoSuchFileException e) {
        throw new BadInputException("sales file " + file + " does not exist");
      } catch (CharacterCodingException e) {
        throw bad(file, "line " + (line + 1) + ": not UTF-8 text");
      }
      if (units.size() < MIN_ROWS) {
        throw bad(
            file,
            units.size()
                + " data rows; rule: at least "
                + MIN_ROWS
                + " ("
                + HOLDOUT_DAYS
                + " holdout + "
                + VALIDATION_DAYS
                + " validation + "
                + MIN_FIT_DAYS
                + " to fit)");
      }
      return new Series(file, start, units.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static void checkNext(Path file, String at, LocalDate previous, LocalDate date)
        throws BadInputException {
      if (date.equals(previous)) {
        throw bad(file, at + "date " + date + " is duplicated; rule: one row per day");
      }
      if (date.isBefore(previous)) {
        throw bad(
            file,
            at
                + "date "
                + date
                + " is earlier than the previous row's "
                + previous
                + "; rule: dates in increasing order");
      }
      if (!date.equals(previous.plusDays(1))) {
        throw bad(
            file,
            at
                + "date "
                + date
                + " skips "
                + (ChronoUnit.DAYS.between(previous, date) - 1)
                + " day(s) after "
                + previous
                + "; rule: a row for every day (closed: units 0)");
      }
    }

    private static LocalDate parseDate(Path file, String at, String text) throws BadInputException {
      try {
        return LocalDate.parse(text);
      } catch (DateTimeParseException e) {
        throw bad(file, at + "date " + quote(text) + " is not a date; rule: yyyy-MM-dd");
      }
    }

    private static double parseUnits(Path file, String at, String text) throws BadInputException {
      if (text.isEmpty()) {
        throw bad(file, at + "units are missing; rule: units are a number >= 0");
      }
      if (!NUMBER.matcher(text).matches()) {
        throw bad(
            file,
            at + "units " + quote(text) + " is not a number; rule: units are a" + " number >= 0");
      }
      double value = Double.parseDouble(text);
      if (value < 0) {
        throw bad(file, at + "units " + text + " is negative; rule: units are a number >= 0");
      }
      return value;
    }

    static BadInputException bad(Path file, String detail) {
      return new BadInputException("bad sales data in " + file + ": " + detail);
    }

    private static String quote(String text) {
      if (text == null) {
        return "missing";
      }
      return "'" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'";
    }

    void requireSales(int from, int to, String slice) throws BadInputException {
      for (int i = from; i < to; i++) {
        if (units[i] > 0) {
          return;
        }
      }
      throw bad(
          file,
          "rows "
              + (from + 1)
              + ".."
              + to
              + " (the "
              + slice
              + " "
              + dateAt(from)
              + ".."
              + dateAt(to - 1)
              + ") are all 0 units; rule: MAPE needs a day with units > 0");
    }

    int size() {
      return units.length;
    }

    LocalDate dateAt(int row) {
      return start.plusDays(row);
    }

    LocalDate last() {
      return dateAt(units.length - 1);
    }

    double mean() {
      double sum = 0;
      for (double u : units) {
        sum += u;
      }
      return sum / units.length;
    }
  }

  /**
   * Last year's shape: {@code factor(y, origin, h)} is the {@value #YEARLY_WINDOW}-day mean centred
   * {@value #YEARLY_LAG} days before day {@code origin + h}, over the one centred {@value
   * #YEARLY_LAG} days before {@code origin}. The window is whole weeks, so the weekly pattern
   * cancels; the lag is whole weeks, so weekdays line up.
   */
  static final class Yearly {
    static boolean covers(double[] y, int origin) {
      return origin - YEARLY_LAG - YEARLY_WINDOW / 2 >= 0 && mean(y, origin - YEARLY_LAG) > 0;
    }

    static double factor(double[] y, int origin, int h) {
      return mean(y, origin + h - YEARLY_LAG) / mean(y, origin - YEARLY_LAG);
    }

    private static double mean(double[] y, int centre) {
      double sum = 0;
      for (int i = centre - YEARLY_WINDOW / 2; i < centre + YEARLY_WINDOW / 2; i++) {
        sum += y[i];
      }
      return sum / YEARLY_WINDOW;
    }
  }

  enum Seasonality {
    ADDITIVE,
    MULTIPLICATIVE
  }

  /** Smoothing parameters; with {@code yearly} the trend is off (beta 0, phi 1). */
  record Params(
      Seasonality seasonality,
      double alpha,
      double beta,
      double gamma,
      double phi,
      boolean yearly) {
    @Override
    public String toString() {
      String base =
          seasonality.name().toLowerCase(Locale.ROOT) + " alpha=" + alpha + " gamma=" + gamma;
      return yearly ? base : base + " beta=" + beta + " phi=" + phi;
    }
  }

  /** Level, trend and the weekly season ({@code season[i]}: rows with index % 7 == i). */
  record State(int lastRow, double level, double trend, double[] season) {}

  /**
   * Holt-Winters in error-correction form: level, damped additive trend and weekly season, the
   * season added or multiplied. Forecast h days ahead: level + (phi + ... + phi^h) trend, times
   * last year's factor if the params say so, combined with that weekday's season; never below 0.
   */
  static final class HoltWinters {
    private final double[] y;
    private final Params p;
    private final boolean multiplicative;
    private final double[] season = new double[SEASON];
    private double level;
    private double trend;
    private int nextRow;

    private HoltWinters(double[] y, Params p) {
      this.y = y;
      this.p = p;
      this.multiplicative = p.seasonality() == Seasonality.MULTIPLICATIVE;
    }

    /** State before row 0, from the first {@value #INIT_WEEKS} weeks: means, slope, ratios. */
    static HoltWinters init(double[] y, Params p) {
      HoltWinters hw = new HoltWinters(y, p);
      double[] weekMean = new double[INIT_WEEKS];
      for (int w = 0; w < INIT_WEEKS; w++) {
        for (int d = 0; d < SEASON; d++) {
          weekMean[w] += y[w * SEASON + d] / SEASON;
        }
      }
      for (int w = 0; w < INIT_WEEKS; w++) {
        for (int d = 0; d < SEASON; d++) {
          double v = y[w * SEASON + d];
          hw.season[d] += (hw.multiplicative ? v / weekMean[w] : v - weekMean[w]) / INIT_WEEKS;
        }
      }
      hw.trend =
          p.yearly() ? 0 : (weekMean[INIT_WEEKS - 1] - weekMean[0]) / (SEASON * (INIT_WEEKS - 1));
      hw.level = weekMean[0] - hw.trend * (SEASON + 1) / 2.0;
      return hw;
    }

    /** Consumes rows {@code from..to-1}; false if the state became unusable (level <= 0, NaN). */
    boolean update(int from, int to) {
      for (int t = from; t < to; t++) {
        int i = t % SEASON;
        double s = season[i];
        double previous = level;
        double damped = p.phi() * trend;
        level =
            p.alpha() * (multiplicative ? y[t] / s : y[t] - s)
                + (1 - p.alpha()) * (previous + damped);
        if (multiplicative && !(level > 1e-9)) {
          return false;
        }
        trend = p.beta() * (level - previous) + (1 - p.beta()) * damped;
        season[i] =
            p.gamma() * (multiplicative ? y[t] / level : y[t] - level) + (1 - p.gamma()) * s;
      }
      nextRow = to;
      return Double.isFinite(level) && Double.isFinite(trend);
    }

    /** {@link #update}, for the chosen parameters: an unusable state here is a bug, not data. */
    void fit(int from, int to) {
      if (!update(from, to)) {
        throw new IllegalStateException(
            "state became unusable (level <= 0 or not finite) for "
                + p
                + " within rows "
                + (from + 1)
                + ".."
                + to);
      }
    }

    double[] forecast(int days) {
      double[] out = new double[days];
      double dampedSum = 0;
      double phiPower = 1;
      for (int h = 1; h <= days; h++) {
        phiPower *= p.phi();
        dampedSum += phiPower;
        double base = (level + dampedSum * trend) * yearlyFactor(h);
        double s = season[(nextRow + h - 1) % SEASON];
        out[h - 1] = Math.max(0, multiplicative ? base * s : base + s);
      }
      return out;
    }

    double yearlyFactor(int h) {
      return p.yearly() ? Yearly.factor(y, nextRow - 1, h) : 1;
    }

    State state() {
      return new State(nextRow - 1, level, trend, season.clone());
    }
  }

  /**
   * Grid search: every candidate starts from the first weeks, is updated up to the validation slice
   * and scored by the MAPE of its forecast of that slice: the holdout's horizon and metric.
   */
  record Search(Params best, double bestScore, int candidates) {
    static Search run(double[] y, int validationStart, boolean yearly) {
      List<Params> grid = new ArrayList<>();
      for (Seasonality seasonality : Seasonality.values()) {
        for (double alpha : ALPHAS) {
          for (double gamma : GAMMAS) {
            if (yearly) {
              grid.add(new Params(seasonality, alpha, 0, gamma, 1, true));
              continue;
            }
            for (double beta : BETAS) {
              for (double phi : PHIS) {
                grid.add(new Params(seasonality, alpha, beta, gamma, phi, false));
              }
            }
          }
        }
      }
      Params best = null;
      double bestScore = Double.POSITIVE_INFINITY;
      for (Params p : grid) {
        HoltWinters hw = HoltWinters.init(y, p);
        if (hw.update(0, validationStart)) {
          double score = Metrics.of(y, validationStart, hw.forecast(VALIDATION_DAYS)).mape();
          if (score < bestScore) {
            best = p;
            bestScore = score;
          }
        }
      }
      if (best == null) {
        throw new IllegalStateException("none of " + grid.size() + " candidates fitted");
      }
      return new Search(best, bestScore, grid.size());
    }
  }

  /** Accuracy on {@code y[from..]}; MAPE is a fraction over the days with units > 0. */
  record Metrics(double mape, double rmse) {
    static Metrics of(double[] y, int from, double[] forecast) {
      double ape = 0;
      int positive = 0;
      double se = 0;
      for (int h = 0; h < forecast.length; h++) {
        double actual = y[from + h];
        double error = actual - forecast[h];
        se += error * error;
        if (actual > 0) {
          ape += Math.abs(error) / actual;
          positive++;
        }
      }
      return new Metrics(
          positive > 0 ? ape / positive : Double.NaN, Math.sqrt(se / forecast.length));
    }
  }

  /** Hand-written JSON: the job needs nothing but the JDK. */
  static final class Json {
    static String metrics(Metrics m, int trainRows) {
      return "{\"mape\": "
          + num(m.mape(), 4)
          + ", \"rmse\": "
          + num(m.rmse(), 2)
          + ", \"trainRows\": "
          + trainRows
          + ", \"holdoutRows\": "
          + HOLDOUT_DAYS
          + "}\n";
    }

    static String model(
        String store,
        Series s,
        int trainRows,
        Search search,
        State atTrainEnd,
        HoltWinters model,
        Metrics m,
        Metrics naive) {
      Params p = search.best();
      double[] next = model.forecast(FORECAST_DAYS);
      StringBuilder forecast = new StringBuilder();
      for (int h = 1; h <= FORECAST_DAYS; h++) {
        forecast
            .append(h == 1 ? "\n" : ",\n")
            .append(
                String.format(
                    Locale.ROOT,
                    "    {\"date\": \"%s\", \"units\": %s, \"yearlyFactor\": %s}",
                    s.dateAt(s.size() - 1 + h),
                    num(next[h - 1], 1),
                    num(model.yearlyFactor(h), 4)));
      }
      return String.format(
          Locale.ROOT,
          """
          {
            "schemaVersion": 1,
            "store": %s,
            "model": "exponential-smoothing",
            "seasonality": "%s",
            "seasonLength": %d,
            "trend": "%s",
            "yearlyProfile": %s,
            "params": {"alpha": %s, "beta": %s, "gamma": %s, "phi": %s},
            "selection": {"method": "grid", "candidates": %d, "metric": "mape", \
          "validationFrom": "%s", "validationTo": "%s", "validationMape": %s},
            "fittedOn": {"from": "%s", "to": "%s", "rows": %d},
            "holdout": {"from": "%s", "to": "%s", "rows": %d, "mape": %s, "rmse": %s, \
          "seasonalNaiveMape": %s, "seasonalNaiveRmse": %s},
            "stateAtTrainEnd": %s,
            "state": %s,
            "forecast": [%s
            ]
          }
          """,
          string(store),
          p.seasonality().name().toLowerCase(Locale.ROOT),
          SEASON,
          p.yearly() ? "none" : "damped-additive",
          p.yearly()
              ? "{\"lagDays\": " + YEARLY_LAG + ", \"windowDays\": " + YEARLY_WINDOW + "}"
              : "null",
          p.alpha(),
          p.beta(),
          p.gamma(),
          p.phi(),
          search.candidates(),
          s.dateAt(trainRows - VALIDATION_DAYS),
          s.dateAt(trainRows - 1),
          num(search.bestScore(), 4),
          s.dateAt(0),
          s.dateAt(trainRows - 1),
          trainRows,
          s.dateAt(trainRows),
          s.last(),
          HOLDOUT_DAYS,
          num(m.mape(), 4),
          num(m.rmse(), 2),
          num(naive.mape(), 4),
          num(naive.rmse(), 2),
          state(s, atTrainEnd),
          state(s, model.state()),
          forecast);
    }

    /** The state after its last row, the season keyed by weekday, Monday first. */
    private static String state(Series s, State state) {
      StringBuilder season = new StringBuilder();
      int startDay = s.start().getDayOfWeek().getValue();
      for (DayOfWeek day : DayOfWeek.values()) {
        int index = (day.getValue() - startDay + SEASON) % SEASON;
        season
            .append(season.length() == 0 ? "" : ", ")
            .append('"')
            .append(day)
            .append("\": ")
            .append(num(state.season()[index], 4));
      }
      return "{\"asOf\": \""
          + s.dateAt(state.lastRow())
          + "\", \"level\": "
          + num(state.level(), 4)
          + ", \"trend\": "
          + num(state.trend(), 6)
          + ", \"season\": {"
          + season
          + "}}";
    }

    static String num(double value, int decimals) {
      if (!Double.isFinite(value)) {
        return "null";
      }
      return BigDecimal.valueOf(value)
          .setScale(decimals, RoundingMode.HALF_UP)
          .stripTrailingZeros()
          .toPlainString();
    }

    static String string(String text) {
      StringBuilder out = new StringBuilder("\"");
      for (char c : text.toCharArray()) {
        if (c == '"' || c == '\\') {
          out.append('\\').append(c);
        } else if (c < 0x20) {
          out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
        } else {
          out.append(c);
        }
      }
      return out.append('"').toString();
    }
  }
}
