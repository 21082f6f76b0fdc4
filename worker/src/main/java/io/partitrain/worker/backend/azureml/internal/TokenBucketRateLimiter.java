package io.partitrain.worker.backend.azureml.internal;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.event.RateLimiterOnFailureEvent;
import io.github.resilience4j.ratelimiter.event.RateLimiterOnSuccessEvent;
import io.github.resilience4j.ratelimiter.internal.RateLimiterEventProcessor;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * A resilience4j {@link RateLimiter} that is a token bucket: {@code burst} permits at once, then
 * {@code perSecond} more each second, the shape of ARM's subscription buckets (writes 200 + 10/s).
 * resilience4j's own limiters refill a fixed window and never hold more than one window's permits,
 * so they cannot express "200 now, then 10 per second" without letting through two windows' worth
 * at a boundary, which ARM answers with 429s.
 *
 * <p>Reservations may take the bucket below zero (a queue of waiters, each told how long to park),
 * as resilience4j's AtomicRateLimiter does. {@link #lowerTo} lets the caller align the bucket with
 * what ARM reports as remaining, since other clients share the subscription's bucket. Time comes
 * from an injected nano clock.
 */
public final class TokenBucketRateLimiter implements RateLimiter {

  private final String name;
  private final LongSupplier nanoTime;
  private final RateLimiterEventProcessor events = new RateLimiterEventProcessor();
  private final AtomicInteger waiting = new AtomicInteger();
  private volatile int burst;
  private final double perSecond;
  private volatile Duration timeout;
  private double tokens;
  private long lastRefill;

  public TokenBucketRateLimiter(
      String name, int burst, double perSecond, Duration timeout, LongSupplier nanoTime) {
    if (burst < 1) {
      throw new IllegalArgumentException("burst must be greater than 0, but was " + burst);
    }
    if (!(perSecond > 0)) {
      throw new IllegalArgumentException("perSecond must be greater than 0, but was " + perSecond);
    }
    this.name = name;
    this.burst = burst;
    this.perSecond = perSecond;
    this.timeout = timeout;
    this.nanoTime = nanoTime;
    this.tokens = burst;
    this.lastRefill = nanoTime.getAsLong();
  }

  public double perSecond() {
    return perSecond;
  }

  public int burst() {
    return burst;
  }

  private void refill(long now) {
    double add = (now - lastRefill) / 1e9 * perSecond;
    if (add > 0) {
      tokens = Math.min(burst, tokens + add);
      lastRefill = now;
    }
  }

  /**
   * Aligns the bucket with ARM's count of remaining calls: when ARM has fewer left than we think,
   * we believe ARM (other clients spend the same subscription's bucket).
   */
  public synchronized void lowerTo(long remaining) {
    refill(nanoTime.getAsLong());
    if (remaining < tokens) {
      tokens = Math.max(0, remaining);
    }
  }

  @Override
  public synchronized long reservePermission(int permits) {
    long now = nanoTime.getAsLong();
    refill(now);
    if (tokens >= permits) {
      tokens -= permits;
      return 0;
    }
    long waitNanos = (long) Math.ceil((permits - tokens) / perSecond * 1e9);
    if (waitNanos > timeout.toNanos()) {
      return -1;
    }
    tokens -= permits;
    return waitNanos;
  }

  @Override
  public boolean acquirePermission(int permits) {
    long wait = reservePermission(permits);
    if (wait < 0) {
      publishFailure(permits);
      return false;
    }
    if (wait > 0) {
      waiting.incrementAndGet();
      try {
        long deadline = System.nanoTime() + wait;
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
          LockSupport.parkNanos(this, left);
          if (Thread.currentThread().isInterrupted()) {
            publishFailure(permits);
            return false;
          }
        }
      } finally {
        waiting.decrementAndGet();
      }
    }
    if (events.hasConsumers()) {
      events.consumeEvent(new RateLimiterOnSuccessEvent(name, permits));
    }
    return true;
  }

  private void publishFailure(int permits) {
    if (events.hasConsumers()) {
      events.consumeEvent(new RateLimiterOnFailureEvent(name, permits));
    }
  }

  @Override
  public synchronized void drainPermissions() {
    tokens = Math.min(tokens, 0);
  }

  @Override
  public void changeTimeoutDuration(Duration timeoutDuration) {
    this.timeout = timeoutDuration;
  }

  /** Changes the burst (bucket size); the refill rate stays. */
  @Override
  public synchronized void changeLimitForPeriod(int limitForPeriod) {
    if (limitForPeriod < 1) {
      throw new IllegalArgumentException("burst must be greater than 0, but was " + limitForPeriod);
    }
    this.burst = limitForPeriod;
    tokens = Math.min(tokens, burst);
  }

  @Override
  public String getName() {
    return name;
  }

  /** An equivalent description: {@code burst} permits per the time it takes to refill them. */
  @Override
  public RateLimiterConfig getRateLimiterConfig() {
    return RateLimiterConfig.custom()
        .limitForPeriod(burst)
        .limitRefreshPeriod(Duration.ofNanos((long) (burst / perSecond * 1e9)))
        .timeoutDuration(timeout)
        .build();
  }

  @Override
  public Map<String, String> getTags() {
    return Map.of();
  }

  @Override
  public Metrics getMetrics() {
    return new Metrics() {
      @Override
      public int getNumberOfWaitingThreads() {
        return waiting.get();
      }

      @Override
      public int getAvailablePermissions() {
        synchronized (TokenBucketRateLimiter.this) {
          refill(nanoTime.getAsLong());
          return (int) Math.floor(tokens);
        }
      }
    };
  }

  @Override
  public EventPublisher getEventPublisher() {
    return events;
  }

  @Override
  public String toString() {
    return "TokenBucketRateLimiter[" + name + ": burst=" + burst + ", perSecond=" + perSecond + "]";
  }
}
