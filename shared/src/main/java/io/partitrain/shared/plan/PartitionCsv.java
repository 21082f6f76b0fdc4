package io.partitrain.shared.plan;

import io.partitrain.shared.contracts.PartitionSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A partition list as CSV: a header row, the partition id in the first column, tags in the others
 * (the header names them). Values are plain (no quoted commas): ids and tags are short identifiers.
 */
final class PartitionCsv {

  private static final Pattern TAG_NAME = Pattern.compile(PlanLoader.TAG_NAME_RULE);

  private PartitionCsv() {}

  /**
   * Where the bytes stop being UTF-8, as a rule with line and byte, or null when they are UTF-8. A
   * CSV saved as Latin-1 or UTF-16 would otherwise read as garbled ids and tags.
   */
  static String firstNonUtf8(byte[] bytes) {
    var decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
    java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length + 1);
    java.nio.charset.CoderResult r = decoder.decode(in, out, true);
    if (!r.isError()) {
      return null;
    }
    int at = in.position();
    int line = 1;
    for (int i = 0; i < at; i++) {
      if (bytes[i] == '\n') {
        line++;
      }
    }
    return String.format(
        java.util.Locale.ROOT,
        "must be UTF-8 text: line %d has the byte 0x%02X (byte %d of the file), which is not UTF-8;"
            + " save the file as UTF-8",
        line,
        bytes[at] & 0xff,
        at + 1);
  }

  static List<PartitionSpec> read(Path csv, String shownName, List<PlanViolation> v) {
    List<String> lines;
    try {
      byte[] bytes = Files.readAllBytes(csv);
      String notUtf8 = firstNonUtf8(bytes);
      if (notUtf8 != null) {
        v.add(new PlanViolation(shownName, "partitions.file", csv.toString(), notUtf8));
        return List.of();
      }
      lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      v.add(
          new PlanViolation(
              shownName,
              "partitions.file",
              csv.toString(),
              "must be a readable CSV file (" + e.getClass().getSimpleName() + ")"));
      return List.of();
    }
    List<PartitionSpec> out = new ArrayList<>();
    if (lines.isEmpty()) {
      v.add(
          new PlanViolation(
              shownName,
              "header",
              "(empty file)",
              "the first row names the columns: id column first, then tag names"));
      return out;
    }
    String[] header = split(lines.get(0));
    for (int c = 1; c < header.length; c++) {
      if (!TAG_NAME.matcher(header[c]).matches()) {
        v.add(
            new PlanViolation(
                shownName,
                "header column " + (c + 1),
                header[c],
                "tag names must match " + PlanLoader.TAG_NAME_RULE));
      }
    }
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      String[] cols = split(line);
      if (cols.length != header.length) {
        v.add(
            new PlanViolation(
                shownName,
                "row " + (i + 1),
                line,
                "must have " + header.length + " columns like the header, but has " + cols.length));
        continue;
      }
      Map<String, String> tags = new LinkedHashMap<>();
      for (int c = 1; c < cols.length; c++) {
        tags.put(header[c], cols[c]);
      }
      out.add(new PartitionSpec(cols[0], tags));
    }
    return out;
  }

  private static String[] split(String line) {
    String[] parts = line.split(",", -1);
    for (int i = 0; i < parts.length; i++) {
      parts[i] = parts[i].strip();
    }
    return parts;
  }
}
