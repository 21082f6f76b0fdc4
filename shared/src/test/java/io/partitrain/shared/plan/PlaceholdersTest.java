package io.partitrain.shared.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/**
 * The placeholder scan finds exactly what the documented pattern ({@link Placeholders#EXPRESSION})
 * finds, including in texts made mostly of the characters that make the pattern hard: {@code $},
 * braces and whitespace.
 */
class PlaceholdersTest {

  /** Pieces of texts: whole delimiters often enough that many texts hold an expression. */
  private static final String[] PIECES = {
    "${{", "}}", "$", "{", "}", " ", "\t", "a", "b", ".", "x", "${", "}}}"
  };

  /** What the scan replaced: the pattern, applied as the code did before the scan. */
  private static String byPattern(String text, Function<String, String> resolver) {
    Matcher m = Placeholders.EXPRESSION.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = resolver.apply(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static List<String> expressionsByPattern(String text) {
    List<String> found = new ArrayList<>();
    Matcher m = Placeholders.EXPRESSION.matcher(text);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  /** Resolves some expressions (to text holding {@code $} and a backslash), leaves the others. */
  private static String resolve(String expression) {
    return expression.length() % 2 == 0 ? "<$" + expression.toUpperCase() + "\\1>" : null;
  }

  @Test
  void theScanFindsAndReplacesWhatThePatternDoesOnRandomTexts() {
    SplittableRandom random = new SplittableRandom(12);
    int withExpressions = 0;
    for (int i = 0; i < 200_000; i++) {
      StringBuilder b = new StringBuilder();
      int length = random.nextInt(12);
      for (int j = 0; j < length; j++) {
        b.append(PIECES[random.nextInt(PIECES.length)]);
      }
      String text = b.toString();
      List<String> expected = expressionsByPattern(text);
      withExpressions += expected.isEmpty() ? 0 : 1;
      assertThat(Placeholders.expressions(text))
          .as("expressions of [%s]", text)
          .isEqualTo(expected);
      assertThat(Placeholders.substitute(text, PlaceholdersTest::resolve))
          .as("substituted [%s]", text)
          .isEqualTo(byPattern(text, PlaceholdersTest::resolve));
    }
    assertThat(withExpressions).as("texts that held an expression").isGreaterThan(20_000);
  }

  @Test
  void partitionPlaceholdersAreReplacedAndOthersLeftForTheBackend() {
    String text =
        "train --store ${{ partition.id }} --region ${{partition.tags.region}}"
            + " --data ${{inputs.data}} --run ${{run.id}}";
    assertThat(
            Placeholders.substitute(
                text, Placeholders.partitionResolver("r1", "store-7", Map.of("region", "north"))))
        .isEqualTo("train --store store-7 --region north --data ${{inputs.data}} --run r1");
    assertThat(Placeholders.expressions(text))
        .containsExactly("partition.id", "partition.tags.region", "inputs.data", "run.id");
  }
}
