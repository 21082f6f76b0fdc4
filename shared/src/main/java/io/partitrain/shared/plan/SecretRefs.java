package io.partitrain.shared.plan;

import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * {@code ${{secrets.NAME}}}: a job refers to a secret by name, and only in an {@code
 * environment_variables} value. The name travels on the topics; the value never does. The local
 * backend resolves it at launch from the worker's own environment variable {@value
 * #WORKER_ENV_PREFIX}{@code NAME} (only variables with that prefix, so a plan cannot ask for the
 * worker's other settings, such as its Kafka credentials), into the job's process environment and
 * nowhere else. The azureml backend refuses it: there a job reads its secrets from Key Vault with
 * its managed identity.
 */
public final class SecretRefs {

  /** The placeholder prefix: {@code ${{secrets.NAME}}}. */
  public static final String PREFIX = "secrets.";

  public static final String NAME_RULE = "^[A-Za-z_][A-Za-z0-9_]{0,127}$";

  /** Where the local backend looks the value up: the worker's {@code PARTITRAIN_SECRET_NAME}. */
  public static final String WORKER_ENV_PREFIX = "PARTITRAIN_SECRET_";

  private static final Pattern NAME = Pattern.compile(NAME_RULE);

  private SecretRefs() {}

  /** Whether the expression (inside {@code ${{ }}}) is a secret reference. */
  public static boolean isSecret(String expression) {
    return expression.startsWith(PREFIX);
  }

  /** Whether a text contains a secret reference. */
  public static boolean refersToSecret(String text) {
    return text != null && Placeholders.expressions(text).stream().anyMatch(SecretRefs::isSecret);
  }

  /** The violation of a secret reference at {@code field}, if it breaks a rule. */
  public static Optional<PlanViolation> check(String file, String field, String expression) {
    String name = expression.substring(PREFIX.length());
    if (!field.startsWith("environment_variables.")) {
      return Optional.of(
          new PlanViolation(
              file,
              field,
              "${{" + expression + "}}",
              "${{secrets.NAME}} may only appear in an environment_variables value, so that the"
                  + " value reaches the job's environment and no file, command line or topic"));
    }
    if (!NAME.matcher(name).matches()) {
      return Optional.of(
          new PlanViolation(
              file, field, "${{" + expression + "}}", "the secret name must match " + NAME_RULE));
    }
    return Optional.empty();
  }

  /**
   * Substitutes every secret reference in {@code value} from {@code workerEnvironment}; other
   * placeholders stay.
   *
   * @throws MissingSecretException naming the secret and the variable (never a value)
   */
  public static String resolve(String value, Function<String, String> workerEnvironment) {
    return Placeholders.substitute(
        value,
        expr -> {
          if (!isSecret(expr)) {
            return null;
          }
          String name = expr.substring(PREFIX.length());
          String v = workerEnvironment.apply(WORKER_ENV_PREFIX + name);
          if (v == null) {
            throw new MissingSecretException(name);
          }
          return v;
        });
  }

  /** A job refers to a secret the worker does not have. */
  public static final class MissingSecretException extends RuntimeException {
    public MissingSecretException(String name) {
      super(
          "the job refers to ${{secrets."
              + name
              + "}}, but the worker has no environment variable "
              + WORKER_ENV_PREFIX
              + name
              + " (set it on the worker, e.g. from a Kubernetes Secret)");
    }
  }
}
