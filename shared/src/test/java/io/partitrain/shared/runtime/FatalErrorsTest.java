package io.partitrain.shared.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FatalErrorsTest {

  @TempDir Path dir;

  /**
   * The failure: a thread dies of OutOfMemoryError and the process hangs on, half alive.
   * With the handler installed (and deliberately without {@code -XX:+ExitOnOutOfMemoryError}) the
   * real process exits with code 3 as soon as its heap is exhausted.
   */
  @Test
  void aProcessWhoseThreadRunsOutOfMemoryExitsWithCode3InsteadOfHanging() throws Exception {
    Path err = dir.resolve("err.txt");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx32m",
                "-cp",
                System.getProperty("java.class.path"),
                HalfAliveProcess.class.getName())
            .redirectError(err.toFile())
            .redirectOutput(dir.resolve("out.txt").toFile())
            .start();
    boolean exited = p.waitFor(2, TimeUnit.MINUTES);
    if (!exited) {
      p.destroyForcibly();
    }
    assertThat(exited).as("the process exited; stderr: " + Files.readString(err)).isTrue();
    assertThat(p.exitValue()).isEqualTo(FatalErrors.EXIT_CODE);
    assertThat(Files.readString(err))
        .contains("partitrain fixture: fatal java.lang.OutOfMemoryError in thread allocator");
  }

  @Test
  void anOrdinaryUncaughtExceptionIsPrintedAndTheProcessGoesOn() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<Integer> halts = new ArrayList<>();
    FatalErrors.handle(
        "test",
        new Thread("t1"),
        new IllegalStateException("boom"),
        new PrintStream(bytes, true, StandardCharsets.UTF_8),
        halts::add);
    assertThat(halts).isEmpty();
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .contains("Exception in thread \"t1\" java.lang.IllegalStateException: boom");

    FatalErrors.handle(
        "test",
        new Thread("t2"),
        new StackOverflowError(),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        halts::add);
    assertThat(halts).containsExactly(FatalErrors.EXIT_CODE);
  }

  /** A process whose worker thread exhausts the heap while its main thread waits for ever. */
  public static final class HalfAliveProcess {
    public static void main(String[] args) throws InterruptedException {
      FatalErrors.install("fixture");
      Thread allocator =
          new Thread(
              () -> {
                List<long[]> hog = new ArrayList<>();
                while (true) {
                  hog.add(new long[1 << 16]);
                }
              },
              "allocator");
      allocator.start();
      new CountDownLatch(1).await();
    }
  }
}
