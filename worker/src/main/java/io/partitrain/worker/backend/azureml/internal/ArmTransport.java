package io.partitrain.worker.backend.azureml.internal;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.Context;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.partitrain.assets.ArmCallException;
import io.partitrain.assets.ArmCalls;
import io.partitrain.assets.ArmRequest;
import io.partitrain.assets.ArmResponse;
import io.partitrain.shared.serde.Json;
import io.partitrain.worker.backend.azureml.AzureMlConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends ARM calls through azure-core's {@link HttpPipeline} (which adds the bearer token), paced
 * and protected by resilience4j, outermost first:
 *
 * <ol>
 *   <li>a throttle {@link Retry}: on 429, wait what ARM said ({@code x-ms-retry-after-ms}, {@code
 *       retry-after-ms} or {@code Retry-After}) and try again; this never surfaces as a failed job,
 *       so no attempt of the partition is spent;
 *   <li>a transient {@link Retry}: 5xx, timeouts and resets, exponential backoff with jitter;
 *   <li>a {@link CircuitBreaker} counting only transient failures; when it opens, calls fail fast
 *       and {@link #acceptingWork()} turns false so the worker stops taking new work;
 *   <li>a token-bucket rate limiter per ARM bucket (writes, reads), lowered to what ARM reports in
 *       {@code x-ms-ratelimit-remaining-subscription-writes} when that runs low.
 * </ol>
 *
 * <p>Only https URLs on the configured ARM host are called: a {@code nextLink} or {@code Location}
 * pointing elsewhere is refused, so the token never leaves for another host.
 */
public final class ArmTransport implements ArmCalls {

  private static final Logger LOG = LoggerFactory.getLogger(ArmTransport.class);
  static final String REMAINING_WRITES = "x-ms-ratelimit-remaining-subscription-writes";
  static final String REMAINING_READS = "x-ms-ratelimit-remaining-subscription-reads";
  private static final String[] KEPT_HEADERS = {
    "location",
    "retry-after",
    "azure-asyncoperation",
    REMAINING_WRITES,
    REMAINING_READS,
    "x-ms-request-id",
    "x-ms-correlation-request-id"
  };

  private final HttpPipeline pipeline;
  private final AzureMlConfig config;
  private final String armHost;
  private final TokenBucketRateLimiter writes;
  private final TokenBucketRateLimiter reads;
  private final Retry throttleRetry;
  private final Retry transientRetry;
  private final CircuitBreaker breaker;
  private final MeterRegistry meters;
  private final Counter throttled;

  private final Set<String> workspaceHosts = ConcurrentHashMap.newKeySet();

  public ArmTransport(
      HttpPipeline pipeline, AzureMlConfig config, MeterRegistry meters, LongSupplier nanoTime) {
    this.pipeline = pipeline;
    this.config = config;
    this.meters = meters;
    this.armHost = config.armEndpoint().getHost() + ":" + effectivePort(config.armEndpoint());
    this.writes =
        new TokenBucketRateLimiter(
            "arm-writes",
            config.writes().burst(),
            config.writes().perSecond(),
            config.rateLimiterTimeout(),
            nanoTime);
    this.reads =
        new TokenBucketRateLimiter(
            "arm-reads",
            config.reads().burst(),
            config.reads().perSecond(),
            config.rateLimiterTimeout(),
            nanoTime);
    RetryRegistry retries = RetryRegistry.ofDefaults();
    this.throttleRetry =
        retries.retry(
            "arm-throttle",
            RetryConfig.custom()
                .maxAttempts(config.throttleMaxAttempts())
                .retryOnException(
                    e ->
                        e instanceof ArmCallException a
                            && a.kind() == ArmCallException.Kind.THROTTLED)
                .intervalBiFunction(retryAfterInterval(config))
                .build());
    this.transientRetry =
        retries.retry(
            "arm-transient",
            RetryConfig.custom()
                .maxAttempts(config.transientMaxAttempts())
                .retryOnException(
                    e ->
                        e instanceof ArmCallException a
                            && a.kind() == ArmCallException.Kind.TRANSIENT)
                .intervalFunction(
                    IntervalFunction.ofExponentialRandomBackoff(
                        config.transientInitialBackoff(), 2.0, 0.5, config.transientMaxBackoff()))
                .build());
    CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
    this.breaker =
        breakers.circuitBreaker(
            "arm",
            CircuitBreakerConfig.custom()
                .failureRateThreshold(config.breakerFailureRateThreshold())
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(config.breakerSlidingWindowSize())
                .minimumNumberOfCalls(config.breakerMinimumCalls())
                .waitDurationInOpenState(config.breakerOpenWait())
                .permittedNumberOfCallsInHalfOpenState(config.breakerHalfOpenCalls())
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .recordException(
                    e ->
                        e instanceof ArmCallException a
                            && a.kind() == ArmCallException.Kind.TRANSIENT)
                .ignoreException(
                    e ->
                        e instanceof ArmCallException a
                            && a.kind() != ArmCallException.Kind.TRANSIENT)
                .build());
    TaggedRetryMetrics.ofRetryRegistry(retries).bindTo(meters);
    TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
    for (TokenBucketRateLimiter l : new TokenBucketRateLimiter[] {writes, reads}) {
      Gauge.builder(
              "partitrain.azureml.ratelimiter.available",
              l,
              x -> x.getMetrics().getAvailablePermissions())
          .tag("name", l.getName())
          .description("Permits left in the local token bucket")
          .register(meters);
      Gauge.builder(
              "partitrain.azureml.ratelimiter.waiting",
              l,
              x -> x.getMetrics().getNumberOfWaitingThreads())
          .tag("name", l.getName())
          .description("Calls waiting for a permit")
          .register(meters);
    }
    this.throttled =
        Counter.builder("partitrain.azureml.throttled")
            .description("ARM calls answered 429 (retried after Retry-After)")
            .register(meters);
  }

  private static IntervalBiFunction<Object> retryAfterInterval(AzureMlConfig config) {
    return (attempt, either) -> {
      if (either.isLeft()
          && either.getLeft() instanceof ArmCallException a
          && a.retryAfter() != null) {
        return Math.max(1, a.retryAfter().toMillis());
      }
      return config.transientInitialBackoff().toMillis();
    };
  }

  public CircuitBreaker breaker() {
    return breaker;
  }

  /** False while the circuit breaker is not closed: the worker should not take new work. */
  public boolean acceptingWork() {
    CircuitBreaker.State s = breaker.getState();
    return s == CircuitBreaker.State.CLOSED || s == CircuitBreaker.State.DISABLED;
  }

  /**
   * Sends the call with every protection; returns any answer below 500 other than 429.
   *
   * @throws ArmCallException when retries are exhausted (THROTTLED or TRANSIENT)
   * @throws CallNotPermittedException while the breaker is open
   */
  @Override
  public ArmResponse execute(ArmRequest request) {
    Supplier<ArmResponse> guarded =
        CircuitBreaker.decorateSupplier(breaker, () -> sendOnce(request));
    Supplier<ArmResponse> transientRetried = Retry.decorateSupplier(transientRetry, guarded);
    return Retry.decorateSupplier(throttleRetry, transientRetried).get();
  }

  /**
   * For calls that must not be re-sent blindly (a job PUT whose answer may have been lost after ARM
   * applied it): throttling is retried (a 429 was not applied), transient failures are not.
   */
  public ArmResponse executeWithoutTransientRetry(ArmRequest request) {
    Supplier<ArmResponse> guarded =
        CircuitBreaker.decorateSupplier(breaker, () -> sendOnce(request));
    return Retry.decorateSupplier(throttleRetry, guarded).get();
  }

  /** One call through the breaker and the limiter, no retry: the breaker's probes. */
  public ArmResponse executeOnce(ArmRequest request) {
    return CircuitBreaker.decorateSupplier(breaker, () -> sendOnce(request)).get();
  }

  /** One try: a permit from the right bucket, then the HTTP exchange. */
  ArmResponse sendOnce(ArmRequest request) {
    requireArmUrl(request.url());
    TokenBucketRateLimiter limiter = request.isWrite() ? writes : reads;
    if (!limiter.acquirePermission(1)) {
      throw new ArmCallException(
          ArmCallException.Kind.THROTTLED,
          0,
          describe(request)
              + ": no permit from the local '"
              + limiter.getName()
              + "' bucket within "
              + config.rateLimiterTimeout()
              + "; consider raising "
              + AzureMlConfig.RATE_LIMITER_TIMEOUT_CONFIG,
          config.transientInitialBackoff(),
          null);
    }
    Timer.Sample sample = Timer.start(meters);
    String outcome = "io_error";
    try {
      HttpRequest http = new HttpRequest(HttpMethod.valueOf(request.method()), request.url());
      http.setHeader(HttpHeaderName.ACCEPT, "application/json");
      if (request.body() != null) {
        http.setHeader(HttpHeaderName.CONTENT_TYPE, "application/json");
        http.setBody(Json.toBytes(request.body()));
      } else if (request.isWrite()) {
        http.setHeader(HttpHeaderName.CONTENT_LENGTH, "0");
      }
      try (HttpResponse response = pipeline.sendSync(http, Context.NONE)) {
        int status = response.getStatusCode();
        outcome = String.valueOf(status);
        Map<String, String> headers = keptHeaders(response);
        observeRemaining(request, headers);
        byte[] bytes = response.getBodyAsBinaryData().toBytes();
        return classify(request, status, headers, bytes);
      }
    } catch (ArmCallException e) {
      throw e;
    } catch (RuntimeException e) {
      throw transientFailure(request, e);
    } finally {
      sample.stop(
          Timer.builder("partitrain.azureml.requests")
              .description("ARM calls, one per HTTP exchange (retries included)")
              .tag("operation", request.operation())
              .tag("status", outcome)
              .register(meters));
    }
  }

  private ArmResponse classify(
      ArmRequest request, int status, Map<String, String> headers, byte[] bytes) {
    JsonNode body = parse(bytes);
    if (status == 429) {
      throttled.increment();
      Duration wait = retryAfter(headers, config.throttleMaxWait());
      LOG.debug("{} throttled by ARM; retrying after {}", describe(request), wait);
      throw new ArmCallException(
          ArmCallException.Kind.THROTTLED,
          status,
          describe(request) + " answered 429 " + ArmResponse.armError(body),
          wait,
          null);
    }
    if (status >= 500) {
      throw new ArmCallException(
          ArmCallException.Kind.TRANSIENT,
          status,
          describe(request) + " answered " + status + " " + ArmResponse.armError(body),
          null,
          null);
    }
    return new ArmResponse(status, headers, body);
  }

  private ArmCallException transientFailure(ArmRequest request, RuntimeException e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String what =
        root instanceof TimeoutException || root.getClass().getSimpleName().contains("Timeout")
            ? "timed out"
            : "failed: " + root.getClass().getSimpleName();
    return new ArmCallException(
        ArmCallException.Kind.TRANSIENT,
        0,
        describe(request) + " " + what,
        null,
        e instanceof UncheckedIOException
            ? e.getCause()
            : root instanceof IOException ? root : null);
  }

  private void observeRemaining(ArmRequest request, Map<String, String> headers) {
    if (!request.isWrite()) {
      return;
    }
    String remaining = headers.get(REMAINING_WRITES);
    if (remaining == null) {
      return;
    }
    try {
      long left = Long.parseLong(remaining.trim());
      if (left <= config.lowRemainingWrites()) {
        writes.lowerTo(left);
      }
    } catch (NumberFormatException ignored) {
      // a header we cannot read changes nothing
    }
  }

  /** ARM's wait: milliseconds headers first (as azure-core reads them), then Retry-After. */
  public static Duration retryAfter(Map<String, String> headers, Duration cap) {
    Duration d = null;
    for (String ms : new String[] {"x-ms-retry-after-ms", "retry-after-ms"}) {
      if (d == null && headers.get(ms) != null) {
        try {
          d = Duration.ofMillis(Long.parseLong(headers.get(ms).trim()));
        } catch (NumberFormatException ignored) {
          // try the next form
        }
      }
    }
    String ra = headers.get("retry-after");
    if (d == null && ra != null) {
      try {
        d = Duration.ofSeconds(Long.parseLong(ra.trim()));
      } catch (NumberFormatException notSeconds) {
        try {
          d =
              Duration.between(
                  ZonedDateTime.now(),
                  ZonedDateTime.parse(ra.trim(), DateTimeFormatter.RFC_1123_DATE_TIME));
        } catch (RuntimeException ignored) {
          // unreadable: fall back below
        }
      }
    }
    if (d == null || d.isNegative() || d.isZero()) {
      d = Duration.ofSeconds(1);
    }
    return d.compareTo(cap) > 0 ? cap : d;
  }

  private Map<String, String> keptHeaders(HttpResponse response) {
    Map<String, String> kept = new HashMap<>();
    for (String name : KEPT_HEADERS) {
      String v = response.getHeaderValue(HttpHeaderName.fromString(name));
      if (v != null) {
        kept.put(name, v);
      }
    }
    for (String name : new String[] {"x-ms-retry-after-ms", "retry-after-ms"}) {
      String v = response.getHeaderValue(HttpHeaderName.fromString(name));
      if (v != null) {
        kept.put(name, v);
      }
    }
    return kept;
  }

  /**
   * Also allows calls to a host ARM itself named for this workspace (the run-history host of the
   * workspace's {@code discoveryUrl}); https only, never a host taken from anywhere else.
   */
  public void allowWorkspaceHost(URI uri) {
    if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      throw new ArmCallException(
          ArmCallException.Kind.REFUSED,
          0,
          "refusing workspace host " + uri.getHost() + ": only https is allowed",
          null,
          null);
    }
    workspaceHosts.add((uri.getHost() + ":" + effectivePort(uri)).toLowerCase(Locale.ROOT));
  }

  /**
   * Refuses anything but https on the configured ARM host and port (or an allowed workspace host).
   */
  public void requireArmUrl(String url) {
    URI u;
    try {
      u = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new ArmCallException(
          ArmCallException.Kind.REFUSED, 0, "refusing to call a malformed URL", null, null);
    }
    if (!"https".equalsIgnoreCase(u.getScheme())) {
      throw new ArmCallException(
          ArmCallException.Kind.REFUSED,
          0,
          "refusing to call " + u.getScheme() + "://" + u.getHost() + ": only https is allowed",
          null,
          null);
    }
    String hostAndPort = (u.getHost() + ":" + effectivePort(u)).toLowerCase(Locale.ROOT);
    if (!armHost.equalsIgnoreCase(hostAndPort) && !workspaceHosts.contains(hostAndPort)) {
      throw new ArmCallException(
          ArmCallException.Kind.REFUSED,
          0,
          "refusing to call "
              + u.getHost()
              + ": ARM links must stay on "
              + config.armEndpoint().getHost(),
          null,
          null);
    }
  }

  private static int effectivePort(URI u) {
    return u.getPort() == -1 ? 443 : u.getPort();
  }

  private static JsonNode parse(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      return null;
    }
    try {
      return Json.mapper().readTree(bytes);
    } catch (IOException e) {
      return Json.mapper()
          .getNodeFactory()
          .textNode(new String(bytes, 0, Math.min(bytes.length, 200), StandardCharsets.UTF_8));
    }
  }

  /** {@code PUT /jobs/NAME}: the part of a URL after the workspace, without the query. */
  public static String describe(ArmRequest request) {
    String url = request.url();
    int ws = url.indexOf("/workspaces/");
    int q = url.indexOf('?');
    int end = q < 0 ? url.length() : q;
    int slash = ws < 0 ? -1 : url.indexOf('/', ws + "/workspaces/".length());
    String path =
        ws < 0 ? url.substring(0, end) : slash < 0 || slash > end ? "/" : url.substring(slash, end);
    return "ARM " + request.method() + " " + path;
  }
}
