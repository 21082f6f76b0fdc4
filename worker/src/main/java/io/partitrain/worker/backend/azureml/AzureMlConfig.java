package io.partitrain.worker.backend.azureml;

import io.partitrain.shared.PartitrainException;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Everything the {@code azureml} backend needs to reach one workspace, and how hard it may push
 * Azure Resource Manager. Built once at startup, validated in one place, immutable after.
 *
 * <p>Each key is a trio {@code X_CONFIG} (the key in the worker's configuration), {@code X_DOC} and
 * {@code DEFAULT_X}. The rate defaults match ARM's per-subscription token buckets as the issue
 * states them (writes: 200 burst, 10 per second; reads: 250 burst, 25 per second); lower them when
 * other tools share the subscription. The biggest limitation: the buckets are per process, so N
 * worker replicas together may use N times the configured rate; ARM's answer (429 and the {@code
 * x-ms-ratelimit-remaining-*} headers) is what keeps them honest.
 */
public record AzureMlConfig(
    String subscriptionId,
    String resourceGroup,
    String workspace,
    String apiVersion,
    URI armEndpoint,
    CredentialKind credential,
    String managedIdentityClientId,
    RateSettings writes,
    RateSettings reads,
    int lowRemainingWrites,
    Duration rateLimiterTimeout,
    int transientMaxAttempts,
    Duration transientInitialBackoff,
    Duration transientMaxBackoff,
    int throttleMaxAttempts,
    Duration throttleMaxWait,
    float breakerFailureRateThreshold,
    int breakerSlidingWindowSize,
    int breakerMinimumCalls,
    Duration breakerOpenWait,
    int breakerHalfOpenCalls,
    Duration responseTimeout,
    Duration pollInterval) {

  public static final String PREFIX = "azureml.";

  public static final String SUBSCRIPTION_ID_CONFIG = PREFIX + "subscriptionId";
  public static final String SUBSCRIPTION_ID_DOC =
      "Azure subscription id of the workspace (a GUID).";
  public static final String RESOURCE_GROUP_CONFIG = PREFIX + "resourceGroup";
  public static final String RESOURCE_GROUP_DOC = "Resource group of the workspace.";
  public static final String WORKSPACE_CONFIG = PREFIX + "workspace";
  public static final String WORKSPACE_DOC = "Azure Machine Learning workspace name.";

  public static final String API_VERSION_CONFIG = PREFIX + "apiVersion";
  public static final String API_VERSION_DOC =
      "ARM api-version of Microsoft.MachineLearningServices.";
  public static final String DEFAULT_API_VERSION = "2025-12-01";

  public static final String ARM_ENDPOINT_CONFIG = PREFIX + "armEndpoint";
  public static final String ARM_ENDPOINT_DOC =
      "ARM endpoint; change for sovereign clouds "
          + "(https://management.usgovcloudapi.net, https://management.chinacloudapi.cn). HTTPS only.";
  public static final URI DEFAULT_ARM_ENDPOINT = URI.create("https://management.azure.com");

  public static final String CREDENTIAL_CONFIG = PREFIX + "credential";
  public static final String CREDENTIAL_DOC =
      "How to get Entra ID tokens: default (DefaultAzureCredential), "
          + "managed_identity, workload_identity, azure_cli.";
  public static final CredentialKind DEFAULT_CREDENTIAL = CredentialKind.DEFAULT;

  public static final String MANAGED_IDENTITY_CLIENT_ID_CONFIG = PREFIX + "managedIdentityClientId";
  public static final String MANAGED_IDENTITY_CLIENT_ID_DOC =
      "Client id of a user-assigned managed identity; empty for the system-assigned one.";

  public static final String WRITE_BURST_CONFIG = PREFIX + "writes.burst";
  public static final String WRITE_BURST_DOC = "Write calls (PUT, POST cancel) allowed at once.";
  public static final int DEFAULT_WRITE_BURST = 200;
  public static final String WRITES_PER_SECOND_CONFIG = PREFIX + "writes.perSecond";
  public static final String WRITES_PER_SECOND_DOC = "Sustained write calls per second.";
  public static final double DEFAULT_WRITES_PER_SECOND = 10.0;
  public static final String READ_BURST_CONFIG = PREFIX + "reads.burst";
  public static final String READ_BURST_DOC = "Read calls (GET, list) allowed at once.";
  public static final int DEFAULT_READ_BURST = 250;
  public static final String READS_PER_SECOND_CONFIG = PREFIX + "reads.perSecond";
  public static final String READS_PER_SECOND_DOC = "Sustained read calls per second.";
  public static final double DEFAULT_READS_PER_SECOND = 25.0;

  public static final String LOW_REMAINING_WRITES_CONFIG = PREFIX + "writes.lowRemaining";
  public static final String LOW_REMAINING_WRITES_DOC =
      "When ARM's x-ms-ratelimit-remaining-subscription-writes "
          + "falls to this, the local write bucket is lowered to what ARM reports, so we slow down "
          + "before ARM answers 429.";
  public static final int DEFAULT_LOW_REMAINING_WRITES = 20;

  public static final String RATE_LIMITER_TIMEOUT_CONFIG = PREFIX + "rateLimiter.timeout";
  public static final String RATE_LIMITER_TIMEOUT_DOC =
      "Longest a call waits for a permit before it fails "
          + "as throttled (retriable, no attempt spent).";
  public static final Duration DEFAULT_RATE_LIMITER_TIMEOUT = Duration.ofMinutes(5);

  public static final String TRANSIENT_MAX_ATTEMPTS_CONFIG = PREFIX + "retry.maxAttempts";
  public static final String TRANSIENT_MAX_ATTEMPTS_DOC =
      "Tries of one call on 5xx, timeouts and resets.";
  public static final int DEFAULT_TRANSIENT_MAX_ATTEMPTS = 5;
  public static final String TRANSIENT_INITIAL_BACKOFF_CONFIG = PREFIX + "retry.initialBackoff";
  public static final String TRANSIENT_INITIAL_BACKOFF_DOC =
      "First wait; doubles each try, ±50% jitter.";
  public static final Duration DEFAULT_TRANSIENT_INITIAL_BACKOFF = Duration.ofMillis(500);
  public static final String TRANSIENT_MAX_BACKOFF_CONFIG = PREFIX + "retry.maxBackoff";
  public static final String TRANSIENT_MAX_BACKOFF_DOC = "The wait never exceeds this.";
  public static final Duration DEFAULT_TRANSIENT_MAX_BACKOFF = Duration.ofSeconds(30);

  public static final String THROTTLE_MAX_ATTEMPTS_CONFIG = PREFIX + "throttle.maxAttempts";
  public static final String THROTTLE_MAX_ATTEMPTS_DOC =
      "Tries of one call answered 429, each after Retry-After.";
  public static final int DEFAULT_THROTTLE_MAX_ATTEMPTS = 50;
  public static final String THROTTLE_MAX_WAIT_CONFIG = PREFIX + "throttle.maxWait";
  public static final String THROTTLE_MAX_WAIT_DOC =
      "Longest single Retry-After honored; longer answers are capped.";
  public static final Duration DEFAULT_THROTTLE_MAX_WAIT = Duration.ofMinutes(5);

  public static final String BREAKER_FAILURE_RATE_CONFIG = PREFIX + "breaker.failureRateThreshold";
  public static final String BREAKER_FAILURE_RATE_DOC =
      "Percent of failed calls (5xx, timeouts, resets) that opens the breaker.";
  public static final float DEFAULT_BREAKER_FAILURE_RATE = 50f;
  public static final String BREAKER_WINDOW_CONFIG = PREFIX + "breaker.slidingWindowSize";
  public static final String BREAKER_WINDOW_DOC = "Calls the failure rate is computed over.";
  public static final int DEFAULT_BREAKER_WINDOW = 20;
  public static final String BREAKER_MINIMUM_CALLS_CONFIG = PREFIX + "breaker.minimumCalls";
  public static final String BREAKER_MINIMUM_CALLS_DOC = "Calls needed before the rate counts.";
  public static final int DEFAULT_BREAKER_MINIMUM_CALLS = 10;
  public static final String BREAKER_OPEN_WAIT_CONFIG = PREFIX + "breaker.openWait";
  public static final String BREAKER_OPEN_WAIT_DOC =
      "How long the breaker stays open before probing ARM again.";
  public static final Duration DEFAULT_BREAKER_OPEN_WAIT = Duration.ofSeconds(30);
  public static final String BREAKER_HALF_OPEN_CALLS_CONFIG = PREFIX + "breaker.halfOpenCalls";
  public static final String BREAKER_HALF_OPEN_CALLS_DOC =
      "Probe calls that must succeed to close it.";
  public static final int DEFAULT_BREAKER_HALF_OPEN_CALLS = 3;

  public static final String RESPONSE_TIMEOUT_CONFIG = PREFIX + "http.responseTimeout";
  public static final String RESPONSE_TIMEOUT_DOC =
      "Longest wait for ARM's answer to one call; then it is retried.";
  public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(60);

  public static final String POLL_INTERVAL_CONFIG = PREFIX + "pollInterval";
  public static final String POLL_INTERVAL_DOC =
      "How often the watcher lists the run's jobs (one list call, "
          + "paged, per interval for all jobs of a run).";
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(30);

  private static final Pattern GUID =
      Pattern.compile(
          "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
  private static final Pattern RESOURCE_GROUP = Pattern.compile("^[-\\w._()]{1,90}$");
  private static final Pattern WORKSPACE = Pattern.compile("^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$");
  private static final Pattern API_VERSION = Pattern.compile("^\\d{4}-\\d{2}-\\d{2}(-preview)?$");

  /** Where Entra ID tokens come from. */
  public enum CredentialKind {
    /** DefaultAzureCredential: environment, workload identity, managed identity, Azure CLI, ... */
    DEFAULT,
    MANAGED_IDENTITY,
    WORKLOAD_IDENTITY,
    AZURE_CLI;

    static CredentialKind parse(String v) {
      try {
        return valueOf(v.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
      } catch (IllegalArgumentException e) {
        throw invalid(
            CREDENTIAL_CONFIG,
            v,
            "must be one of default, managed_identity, workload_identity, azure_cli");
      }
    }
  }

  /**
   * One token bucket.
   *
   * @param burst permits available at once (bucket size), at least 1
   * @param perSecond refill rate, greater than 0
   */
  public record RateSettings(int burst, double perSecond) {
    public RateSettings {
      if (burst < 1) {
        throw new IllegalArgumentException("burst must be at least 1, but was " + burst);
      }
      if (!(perSecond > 0)) {
        throw new IllegalArgumentException(
            "perSecond must be greater than 0, but was " + perSecond);
      }
    }
  }

  /** Validation happens in {@link Builder#build()}; the canonical constructor trusts it. */
  public AzureMlConfig {}

  /** The workspace's ARM id, {@code /subscriptions/.../workspaces/NAME}. */
  public String workspaceId() {
    return "/subscriptions/"
        + subscriptionId
        + "/resourceGroups/"
        + resourceGroup
        + "/providers/Microsoft.MachineLearningServices/workspaces/"
        + workspace;
  }

  /** The OAuth scope of the ARM endpoint, e.g. {@code https://management.azure.com/.default}. */
  public String tokenScope() {
    String base = armEndpoint.toString();
    return (base.endsWith("/") ? base : base + "/") + ".default";
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads the {@code azureml.*} keys of a worker configuration; absent keys take their default.
   *
   * @throws PartitrainException naming the key, the value and the rule
   */
  public static AzureMlConfig fromProperties(Map<String, String> p) {
    Builder b =
        builder()
            .subscriptionId(p.get(SUBSCRIPTION_ID_CONFIG))
            .resourceGroup(p.get(RESOURCE_GROUP_CONFIG))
            .workspace(p.get(WORKSPACE_CONFIG));
    opt(p, API_VERSION_CONFIG, s -> s).ifPresent(b::apiVersion);
    opt(p, ARM_ENDPOINT_CONFIG, s -> parseUri(ARM_ENDPOINT_CONFIG, s)).ifPresent(b::armEndpoint);
    opt(p, CREDENTIAL_CONFIG, CredentialKind::parse).ifPresent(b::credential);
    opt(p, MANAGED_IDENTITY_CLIENT_ID_CONFIG, s -> s).ifPresent(b::managedIdentityClientId);
    int wb =
        opt(p, WRITE_BURST_CONFIG, s -> parseInt(WRITE_BURST_CONFIG, s))
            .orElse(DEFAULT_WRITE_BURST);
    double wr =
        opt(p, WRITES_PER_SECOND_CONFIG, s -> parseDouble(WRITES_PER_SECOND_CONFIG, s))
            .orElse(DEFAULT_WRITES_PER_SECOND);
    int rb =
        opt(p, READ_BURST_CONFIG, s -> parseInt(READ_BURST_CONFIG, s)).orElse(DEFAULT_READ_BURST);
    double rr =
        opt(p, READS_PER_SECOND_CONFIG, s -> parseDouble(READS_PER_SECOND_CONFIG, s))
            .orElse(DEFAULT_READS_PER_SECOND);
    b.writes(rate(WRITE_BURST_CONFIG, wb, wr)).reads(rate(READ_BURST_CONFIG, rb, rr));
    opt(p, LOW_REMAINING_WRITES_CONFIG, s -> parseInt(LOW_REMAINING_WRITES_CONFIG, s))
        .ifPresent(b::lowRemainingWrites);
    opt(p, RATE_LIMITER_TIMEOUT_CONFIG, s -> parseDuration(RATE_LIMITER_TIMEOUT_CONFIG, s))
        .ifPresent(b::rateLimiterTimeout);
    opt(p, TRANSIENT_MAX_ATTEMPTS_CONFIG, s -> parseInt(TRANSIENT_MAX_ATTEMPTS_CONFIG, s))
        .ifPresent(b::transientMaxAttempts);
    opt(
            p,
            TRANSIENT_INITIAL_BACKOFF_CONFIG,
            s -> parseDuration(TRANSIENT_INITIAL_BACKOFF_CONFIG, s))
        .ifPresent(b::transientInitialBackoff);
    opt(p, TRANSIENT_MAX_BACKOFF_CONFIG, s -> parseDuration(TRANSIENT_MAX_BACKOFF_CONFIG, s))
        .ifPresent(b::transientMaxBackoff);
    opt(p, THROTTLE_MAX_ATTEMPTS_CONFIG, s -> parseInt(THROTTLE_MAX_ATTEMPTS_CONFIG, s))
        .ifPresent(b::throttleMaxAttempts);
    opt(p, THROTTLE_MAX_WAIT_CONFIG, s -> parseDuration(THROTTLE_MAX_WAIT_CONFIG, s))
        .ifPresent(b::throttleMaxWait);
    opt(p, BREAKER_FAILURE_RATE_CONFIG, s -> (float) parseDouble(BREAKER_FAILURE_RATE_CONFIG, s))
        .ifPresent(b::breakerFailureRateThreshold);
    opt(p, BREAKER_WINDOW_CONFIG, s -> parseInt(BREAKER_WINDOW_CONFIG, s))
        .ifPresent(b::breakerSlidingWindowSize);
    opt(p, BREAKER_MINIMUM_CALLS_CONFIG, s -> parseInt(BREAKER_MINIMUM_CALLS_CONFIG, s))
        .ifPresent(b::breakerMinimumCalls);
    opt(p, BREAKER_OPEN_WAIT_CONFIG, s -> parseDuration(BREAKER_OPEN_WAIT_CONFIG, s))
        .ifPresent(b::breakerOpenWait);
    opt(p, BREAKER_HALF_OPEN_CALLS_CONFIG, s -> parseInt(BREAKER_HALF_OPEN_CALLS_CONFIG, s))
        .ifPresent(b::breakerHalfOpenCalls);
    opt(p, RESPONSE_TIMEOUT_CONFIG, s -> parseDuration(RESPONSE_TIMEOUT_CONFIG, s))
        .ifPresent(b::responseTimeout);
    opt(p, POLL_INTERVAL_CONFIG, s -> parseDuration(POLL_INTERVAL_CONFIG, s))
        .ifPresent(b::pollInterval);
    return b.build();
  }

  private static RateSettings rate(String key, int burst, double perSecond) {
    try {
      return new RateSettings(burst, perSecond);
    } catch (IllegalArgumentException e) {
      throw invalid(
          key.substring(0, key.lastIndexOf('.')), burst + "/" + perSecond, e.getMessage());
    }
  }

  private static <T> java.util.Optional<T> opt(
      Map<String, String> p, String key, Function<String, T> f) {
    String v = p.get(key);
    return v == null || v.isBlank()
        ? java.util.Optional.empty()
        : java.util.Optional.of(f.apply(v.trim()));
  }

  private static int parseInt(String key, String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw invalid(key, v, "must be a whole number");
    }
  }

  private static double parseDouble(String key, String v) {
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw invalid(key, v, "must be a number");
    }
  }

  private static Duration parseDuration(String key, String v) {
    try {
      return Duration.parse(v);
    } catch (java.time.format.DateTimeParseException e) {
      throw invalid(key, v, "must be an ISO-8601 duration such as PT30S");
    }
  }

  private static URI parseUri(String key, String v) {
    try {
      return URI.create(v);
    } catch (IllegalArgumentException e) {
      throw invalid(key, v, "must be a URL such as " + DEFAULT_ARM_ENDPOINT);
    }
  }

  static PartitrainException invalid(String key, Object value, String rule) {
    return new PartitrainException("invalid configuration: " + key + " = '" + value + "': " + rule);
  }

  /**
   * Builds and validates an {@link AzureMlConfig}; every default is a {@code DEFAULT_*} constant.
   */
  public static final class Builder {
    private String subscriptionId;
    private String resourceGroup;
    private String workspace;
    private String apiVersion = DEFAULT_API_VERSION;
    private URI armEndpoint = DEFAULT_ARM_ENDPOINT;
    private CredentialKind credential = DEFAULT_CREDENTIAL;
    private String managedIdentityClientId;
    private RateSettings writes = new RateSettings(DEFAULT_WRITE_BURST, DEFAULT_WRITES_PER_SECOND);
    private RateSettings reads = new RateSettings(DEFAULT_READ_BURST, DEFAULT_READS_PER_SECOND);
    private int lowRemainingWrites = DEFAULT_LOW_REMAINING_WRITES;
    private Duration rateLimiterTimeout = DEFAULT_RATE_LIMITER_TIMEOUT;
    private int transientMaxAttempts = DEFAULT_TRANSIENT_MAX_ATTEMPTS;
    private Duration transientInitialBackoff = DEFAULT_TRANSIENT_INITIAL_BACKOFF;
    private Duration transientMaxBackoff = DEFAULT_TRANSIENT_MAX_BACKOFF;
    private int throttleMaxAttempts = DEFAULT_THROTTLE_MAX_ATTEMPTS;
    private Duration throttleMaxWait = DEFAULT_THROTTLE_MAX_WAIT;
    private float breakerFailureRateThreshold = DEFAULT_BREAKER_FAILURE_RATE;
    private int breakerSlidingWindowSize = DEFAULT_BREAKER_WINDOW;
    private int breakerMinimumCalls = DEFAULT_BREAKER_MINIMUM_CALLS;
    private Duration breakerOpenWait = DEFAULT_BREAKER_OPEN_WAIT;
    private int breakerHalfOpenCalls = DEFAULT_BREAKER_HALF_OPEN_CALLS;
    private Duration responseTimeout = DEFAULT_RESPONSE_TIMEOUT;
    private Duration pollInterval = DEFAULT_POLL_INTERVAL;

    private Builder() {}

    public Builder subscriptionId(String v) {
      subscriptionId = v;
      return this;
    }

    public Builder resourceGroup(String v) {
      resourceGroup = v;
      return this;
    }

    public Builder workspace(String v) {
      workspace = v;
      return this;
    }

    public Builder apiVersion(String v) {
      apiVersion = v;
      return this;
    }

    public Builder armEndpoint(URI v) {
      armEndpoint = v;
      return this;
    }

    public Builder credential(CredentialKind v) {
      credential = v;
      return this;
    }

    public Builder managedIdentityClientId(String v) {
      managedIdentityClientId = v;
      return this;
    }

    public Builder writes(RateSettings v) {
      writes = v;
      return this;
    }

    public Builder writes(int burst, double perSecond) {
      return writes(new RateSettings(burst, perSecond));
    }

    public Builder reads(RateSettings v) {
      reads = v;
      return this;
    }

    public Builder reads(int burst, double perSecond) {
      return reads(new RateSettings(burst, perSecond));
    }

    public Builder lowRemainingWrites(int v) {
      lowRemainingWrites = v;
      return this;
    }

    public Builder rateLimiterTimeout(Duration v) {
      rateLimiterTimeout = v;
      return this;
    }

    public Builder transientMaxAttempts(int v) {
      transientMaxAttempts = v;
      return this;
    }

    public Builder transientInitialBackoff(Duration v) {
      transientInitialBackoff = v;
      return this;
    }

    public Builder transientMaxBackoff(Duration v) {
      transientMaxBackoff = v;
      return this;
    }

    public Builder throttleMaxAttempts(int v) {
      throttleMaxAttempts = v;
      return this;
    }

    public Builder throttleMaxWait(Duration v) {
      throttleMaxWait = v;
      return this;
    }

    public Builder breakerFailureRateThreshold(float v) {
      breakerFailureRateThreshold = v;
      return this;
    }

    public Builder breakerSlidingWindowSize(int v) {
      breakerSlidingWindowSize = v;
      return this;
    }

    public Builder breakerMinimumCalls(int v) {
      breakerMinimumCalls = v;
      return this;
    }

    public Builder breakerOpenWait(Duration v) {
      breakerOpenWait = v;
      return this;
    }

    public Builder breakerHalfOpenCalls(int v) {
      breakerHalfOpenCalls = v;
      return this;
    }

    public Builder responseTimeout(Duration v) {
      responseTimeout = v;
      return this;
    }

    public Builder pollInterval(Duration v) {
      pollInterval = v;
      return this;
    }

    /**
     * @throws PartitrainException naming the first key that breaks its rule
     */
    public AzureMlConfig build() {
      require(SUBSCRIPTION_ID_CONFIG, subscriptionId, GUID, "must be a subscription GUID");
      require(
          RESOURCE_GROUP_CONFIG,
          resourceGroup,
          RESOURCE_GROUP,
          "must match " + RESOURCE_GROUP.pattern());
      require(WORKSPACE_CONFIG, workspace, WORKSPACE, "must match " + WORKSPACE.pattern());
      require(API_VERSION_CONFIG, apiVersion, API_VERSION, "must look like 2025-12-01");
      if (armEndpoint == null
          || !"https".equalsIgnoreCase(armEndpoint.getScheme())
          || armEndpoint.getHost() == null) {
        throw invalid(
            ARM_ENDPOINT_CONFIG,
            armEndpoint,
            "must be an https:// URL; Partitrain never sends a token over plain HTTP");
      }
      if (credential == null) {
        throw invalid(CREDENTIAL_CONFIG, null, "is required");
      }
      positive(LOW_REMAINING_WRITES_CONFIG, lowRemainingWrites, 0);
      positive(TRANSIENT_MAX_ATTEMPTS_CONFIG, transientMaxAttempts, 1);
      positive(THROTTLE_MAX_ATTEMPTS_CONFIG, throttleMaxAttempts, 1);
      positive(BREAKER_WINDOW_CONFIG, breakerSlidingWindowSize, 1);
      positive(BREAKER_MINIMUM_CALLS_CONFIG, breakerMinimumCalls, 1);
      positive(BREAKER_HALF_OPEN_CALLS_CONFIG, breakerHalfOpenCalls, 1);
      if (!(breakerFailureRateThreshold > 0 && breakerFailureRateThreshold <= 100)) {
        throw invalid(
            BREAKER_FAILURE_RATE_CONFIG, breakerFailureRateThreshold, "must be in (0, 100]");
      }
      positive(RATE_LIMITER_TIMEOUT_CONFIG, rateLimiterTimeout);
      positive(TRANSIENT_INITIAL_BACKOFF_CONFIG, transientInitialBackoff);
      positive(TRANSIENT_MAX_BACKOFF_CONFIG, transientMaxBackoff);
      if (transientMaxBackoff.compareTo(transientInitialBackoff) < 0) {
        throw invalid(
            TRANSIENT_MAX_BACKOFF_CONFIG,
            transientMaxBackoff,
            "must be at least "
                + TRANSIENT_INITIAL_BACKOFF_CONFIG
                + " ("
                + transientInitialBackoff
                + ")");
      }
      positive(THROTTLE_MAX_WAIT_CONFIG, throttleMaxWait);
      positive(BREAKER_OPEN_WAIT_CONFIG, breakerOpenWait);
      positive(RESPONSE_TIMEOUT_CONFIG, responseTimeout);
      positive(POLL_INTERVAL_CONFIG, pollInterval);
      if (writes == null || reads == null) {
        throw invalid(writes == null ? WRITE_BURST_CONFIG : READ_BURST_CONFIG, null, "is required");
      }
      String mi =
          managedIdentityClientId == null || managedIdentityClientId.isBlank()
              ? null
              : managedIdentityClientId.trim();
      return new AzureMlConfig(
          subscriptionId,
          resourceGroup,
          workspace,
          apiVersion,
          stripTrailingSlash(armEndpoint),
          credential,
          mi,
          writes,
          reads,
          lowRemainingWrites,
          rateLimiterTimeout,
          transientMaxAttempts,
          transientInitialBackoff,
          transientMaxBackoff,
          throttleMaxAttempts,
          throttleMaxWait,
          breakerFailureRateThreshold,
          breakerSlidingWindowSize,
          breakerMinimumCalls,
          breakerOpenWait,
          breakerHalfOpenCalls,
          responseTimeout,
          pollInterval);
    }

    private static URI stripTrailingSlash(URI u) {
      String s = u.toString();
      return s.endsWith("/") ? URI.create(s.substring(0, s.length() - 1)) : u;
    }

    private static void require(String key, String v, Pattern rule, String text) {
      if (v == null || !rule.matcher(v).matches()) {
        throw invalid(key, v, v == null ? "is required" : text);
      }
    }

    private static void positive(String key, int v, int min) {
      if (v < min) {
        throw invalid(key, v, "must be at least " + min + ", but was " + v);
      }
    }

    private static void positive(String key, Duration d) {
      if (d == null || d.isZero() || d.isNegative()) {
        throw invalid(key, d, "must be greater than 0, but was " + d);
      }
    }
  }
}
