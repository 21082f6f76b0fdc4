package io.partitrain.shared.plan;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Turns a failure to read a YAML file into a violation a person can act on: where the YAML breaks
 * ({@code plan.yml:7:3}) and what the parser expected, or that the file is missing or unreadable.
 */
final class YamlProblems {

  private YamlProblems() {}

  static PlanViolation violation(Path file, IOException e) {
    String name = file.toString();
    if (e instanceof NoSuchFileException || !Files.exists(file)) {
      return PlanViolation.ofFile(name, "does not exist");
    }
    if (e instanceof JsonProcessingException p && p.getLocation() != null) {
      JsonLocation at = p.getLocation();
      return PlanViolation.at(
          name,
          at.getLineNr(),
          at.getColumnNr(),
          "is not valid YAML: " + p.getOriginalMessage().lines().findFirst().orElse("").strip());
    }
    return PlanViolation.ofFile(
        name, "cannot be read: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
  }
}
