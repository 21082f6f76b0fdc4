package io.partitrain.shared.testing;

/**
 * Java source text with what is not code blanked out, so that a name in a comment or a string is
 * not read as a use. Line breaks are kept (a match's line number is the source's).
 */
final class JavaCode {

  private JavaCode() {}

  /**
   * The text with comments, string literals (text blocks included) and character literals replaced
   * by spaces, line breaks kept.
   */
  static String withoutCommentsAndLiterals(String source) {
    StringBuilder out = new StringBuilder(source.length());
    int i = 0;
    int n = source.length();
    while (i < n) {
      int end = endOfNonCode(source, i);
      if (end == i) {
        out.append(source.charAt(i++));
        continue;
      }
      for (; i < end; i++) {
        out.append(source.charAt(i) == '\n' ? '\n' : ' ');
      }
    }
    return out.toString();
  }

  /**
   * Where the comment or literal starting at {@code i} ends (exclusive); {@code i} if none does.
   */
  private static int endOfNonCode(String s, int i) {
    if (s.startsWith("//", i)) {
      int eol = s.indexOf('\n', i);
      return eol < 0 ? s.length() : eol;
    }
    if (s.startsWith("/*", i)) {
      int close = s.indexOf("*/", i + 2);
      return close < 0 ? s.length() : close + 2;
    }
    if (s.startsWith("\"\"\"", i)) {
      return endOfQuoted(s, i + 3, "\"\"\"");
    }
    char c = s.charAt(i);
    if (c == '"' || c == '\'') {
      return endOfQuoted(s, i + 1, String.valueOf(c));
    }
    return i;
  }

  private static int endOfQuoted(String s, int from, String quote) {
    int j = from;
    while (j < s.length()) {
      if (s.charAt(j) == '\\') {
        j += 2;
      } else if (s.startsWith(quote, j)) {
        return j + quote.length();
      } else {
        j++;
      }
    }
    return s.length();
  }
}
