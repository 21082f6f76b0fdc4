package io.partitrain.assets;

import io.partitrain.shared.PartitrainException;

/**
 * A job.yml the {@code azureml} backend cannot turn into an ARM request: a feature outside the
 * supported set (a local code folder, an environment {@code build:} context) or a value ARM would
 * refuse. The message names the job.yml key, the value, and what to do instead. Not retriable: the
 * same spec fails the same way, so the worker reports the attempt as a USER failure.
 */
public class AzureMlTranslationException extends PartitrainException {

  private final String field;

  public AzureMlTranslationException(String field, Object value, String rule) {
    super("job.yml " + field + " = '" + abbreviate(value) + "': " + rule);
    this.field = field;
  }

  /** The job.yml key at fault, e.g. {@code code} or {@code inputs.cifar.path}. */
  public String field() {
    return field;
  }

  private static String abbreviate(Object value) {
    String s = String.valueOf(value).replace("\n", "\\n");
    return s.length() <= 120 ? s : s.substring(0, 117) + "...";
  }
}
