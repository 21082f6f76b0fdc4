package io.partitrain.shared.config;

import java.util.List;
import java.util.Map;

/**
 * The README's settings table, generated from the services' setting lists (a test in the deploy
 * module keeps the README equal to it).
 */
public final class SettingsTable {

  private SettingsTable() {}

  /** One Markdown table: variable, service, default, what it sets and the rule of its value. */
  public static String markdown(Map<String, List<Setting<?>>> settingsByService) {
    StringBuilder b = new StringBuilder();
    b.append("| variable | service | default | what it sets |\n");
    b.append("| --- | --- | --- | --- |\n");
    settingsByService.forEach(
        (service, settings) -> {
          for (Setting<?> s : settings) {
            b.append("| `")
                .append(s.key())
                .append("` | ")
                .append(service)
                .append(" | ")
                .append(cell(s.defaultText().startsWith("(") ? s.defaultText() : code(s)))
                .append(" | ")
                .append(cell(s.doc()))
                .append(s.isFreeText() ? "" : "; " + cell(s.rule()))
                .append(" |\n");
          }
        });
    return b.toString();
  }

  private static String code(Setting<?> s) {
    return "`" + s.defaultText() + "`";
  }

  private static String cell(String text) {
    return text.replace("|", "\\|");
  }
}
