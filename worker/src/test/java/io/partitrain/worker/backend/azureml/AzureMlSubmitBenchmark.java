package io.partitrain.worker.backend.azureml;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.partitrain.worker.backend.JobRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Not a test: prints the achieved submission rate against the fake ARM server next to the
 * configured ARM write limit. ARM time runs {@code scale} times faster; the client is configured
 * with ARM's buckets scaled the same way, so the printed ratio is what a real subscription would
 * see. Arguments: partitions (default 1000), scale (default 10), threads (default 32).
 *
 * <pre>
 * mvn -q -pl worker -am test-compile
 * java -cp "worker/target/test-classes:worker/target/classes:$(cat cp.txt)" \
 *   io.partitrain.worker.backend.azureml.AzureMlSubmitBenchmark 1000 10 32
 * </pre>
 *
 * (cp.txt from {@code mvn -q -pl worker dependency:build-classpath -Dmdep.outputFile=cp.txt}).
 */
public final class AzureMlSubmitBenchmark {

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    double scale = args.length > 1 ? Double.parseDouble(args[1]) : 10;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 32;
    int burst = AzureMlConfig.DEFAULT_WRITE_BURST;
    double perSecond = AzureMlConfig.DEFAULT_WRITES_PER_SECOND;
    try (FakeArmServer fake =
        FakeArmServer.start(scale)
            .throttle(
                burst,
                perSecond,
                AzureMlConfig.DEFAULT_READ_BURST,
                AzureMlConfig.DEFAULT_READS_PER_SECOND)) {
      AzureMlConfig config =
          FakeArm.fastConfig(fake)
              .writes(burst, perSecond * scale)
              .reads(
                  AzureMlConfig.DEFAULT_READ_BURST, AzureMlConfig.DEFAULT_READS_PER_SECOND * scale)
              .build();
      try (AzureMlBackend backend = FakeArm.backend(fake, config, new SimpleMeterRegistry())) {
        List<JobRequest> requests = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          requests.add(FakeArm.request("bench-run", "p-" + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        Instant t0 = Instant.now();
        for (JobRequest r : requests) {
          pool.execute(() -> backend.submit(r));
        }
        pool.shutdown();
        pool.awaitTermination(30, TimeUnit.MINUTES);
        double seconds = Duration.between(t0, Instant.now()).toNanos() / 1e9;
        List<Instant> times = new ArrayList<>(fake.createTimes);
        times.sort(null);
        // Steady state: the second half of the creations, long after the burst was spent.
        int from = times.size() / 2;
        double sustained =
            times.size() > 2
                ? (times.size() - 1 - from)
                    / (Duration.between(times.get(from), times.get(times.size() - 1)).toNanos()
                        / 1e9)
                : Double.NaN;
        System.out.printf(
            "partitions              %d (threads %d, time scale %.0fx)%n", n, threads, scale);
        System.out.printf(
            "configured ARM limit    %d burst + %.1f writes/s (scaled: %.1f/s)%n",
            burst, perSecond, perSecond * scale);
        System.out.printf(
            "jobs created            %d in %.2f s (%.1f/s overall)%n",
            fake.creates(), seconds, fake.creates() / seconds);
        System.out.printf(
            "steady state (2nd half) %.1f/s scaled = %.2f/s in ARM time = %.0f%% of the limit%n",
            sustained, sustained / scale, 100 * sustained / (perSecond * scale));
        System.out.printf(
            "429 answers             %d; ARM calls %d%n",
            fake.throttledAnswers.get(), fake.requests.get());
      }
    }
  }
}
