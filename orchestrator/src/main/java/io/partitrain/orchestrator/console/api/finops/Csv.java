package io.partitrain.orchestrator.console.api.finops;

import io.partitrain.orchestrator.console.view.CapEventView;
import io.partitrain.shared.contracts.FinOpsRecord;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/** RFC 4180 CSV of the ledger and the cap events, for a spreadsheet. */
final class Csv {

  private Csv() {}

  static String ledger(List<FinOpsRecord.LedgerEntry> entries) {
    TreeSet<String> tagNames = new TreeSet<>();
    entries.forEach(e -> tagNames.addAll(e.tags().keySet()));
    StringBuilder sb = new StringBuilder();
    row(
        sb,
        concat(
            List.of(
                "runId",
                "partitionId",
                "attempt",
                "computeTarget",
                "instanceType",
                "nodes",
                "billableSeconds",
                "pricePerNodeHour",
                "cost",
                "reserved",
                "currency",
                "outcome",
                "failureClass",
                "at"),
            tagNames.stream().map(t -> "tag." + t).toList()));
    for (FinOpsRecord.LedgerEntry e : entries) {
      row(
          sb,
          concat(
              Arrays.asList(
                  e.runId(),
                  e.partitionId(),
                  e.attempt(),
                  e.computeTarget(),
                  e.instanceType(),
                  e.nodes(),
                  e.billableSeconds(),
                  e.pricePerNodeHour(),
                  e.cost(),
                  e.reserved(),
                  e.currency(),
                  e.outcome(),
                  e.failureClass(),
                  e.at()),
              tagNames.stream().map(t -> (Object) e.tags().get(t)).toList()));
    }
    return sb.toString();
  }

  static String capEvents(String runId, List<CapEventView> events) {
    StringBuilder sb = new StringBuilder();
    row(sb, List.of("runId", "type", "at", "requestedBy", "reason", "summary", "partitions"));
    for (CapEventView e : events) {
      row(
          sb,
          Arrays.asList(
              runId,
              e.type(),
              e.at(),
              Objects.toString(e.requestedBy(), ""),
              Objects.toString(e.reason(), ""),
              e.summary(),
              String.join(" ", e.partitions())));
    }
    return sb.toString();
  }

  private static List<Object> concat(List<?> a, List<?> b) {
    List<Object> out = new java.util.ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static void row(StringBuilder sb, List<?> cells) {
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(cell(cells.get(i)));
    }
    sb.append("\r\n");
  }

  private static String cell(Object value) {
    if (value == null) {
      return "";
    }
    String s = value instanceof java.math.BigDecimal d ? d.toPlainString() : value.toString();
    // A leading =, +, - or @ would be a formula in a spreadsheet: quote it as text.
    boolean formula = !s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0;
    if (formula || s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
      return "\"" + (formula ? "'" : "") + s.replace("\"", "\"\"") + "\"";
    }
    return s;
  }
}
