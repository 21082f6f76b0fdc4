package io.partitrain.shared.contracts;

import java.math.BigDecimal;

/**
 * Amounts as every screen shows them (CLI verbs, the console, reasons written into events): at the
 * currency's precision, so that one amount never reads {@code 6.000000} on one line and {@code
 * 6.00} on the next.
 */
public final class Money {

  private Money() {}

  /**
   * An amount at its currency's precision (EUR, USD: 2 decimals; JPY: 0). A non-zero amount that
   * would round to zero shows as {@code <0.01}, so that parts never read 0.00 beside a total that
   * is not.
   */
  public static String format(BigDecimal x, String currency) {
    if (x == null) {
      return "-";
    }
    int digits = fractionDigits(currency);
    BigDecimal rounded = x.setScale(digits, java.math.RoundingMode.HALF_UP);
    if (rounded.signum() == 0 && x.signum() != 0) {
      return (x.signum() < 0 ? ">-" : "<") + BigDecimal.ONE.movePointLeft(digits).toPlainString();
    }
    return rounded.toPlainString();
  }

  private static int fractionDigits(String currency) {
    try {
      int d =
          currency == null
              ? 2
              : java.util.Currency.getInstance(currency).getDefaultFractionDigits();
      return d < 0 ? 2 : d;
    } catch (IllegalArgumentException e) {
      return 2;
    }
  }
}
