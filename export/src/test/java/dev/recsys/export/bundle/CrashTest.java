package dev.recsys.export.bundle;

import static dev.recsys.export.bundle.Fixtures.publish;
import static dev.recsys.export.bundle.Fixtures.version;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a publishing child JVM with SIGKILL at random moments and checks that the root is always usable: CURRENT
 * names a bundle that passes a full check, every bundle directory is complete, and the next publish works and
 * removes what the killed one left. The kill delays come from a seed that is printed; {@code -Dcrash.seed=<seed>}
 * replays them (timing still varies from run to run).
 */
class CrashTest {

  private static final int ROUNDS = 6;
  // About one publish of PublishLoop once warm, so kills land in every phase of it.
  private static final long MAX_KILL_DELAY_MS = 500;
  private static final long ROUND_SECONDS = 100_000;
  private static final long START_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

  @Test
  void aKilledPublisherAlwaysLeavesACompleteCurrentBundle(@TempDir Path tmp) throws Exception {
    long seed = Long.getLong("crash.seed", new Random().nextLong());
    System.out.println("CrashTest seed " + seed);
    Random random = new Random(seed);
    Path root = Files.createDirectories(tmp.resolve("bundles"));
    publish(root, version(0), 4, 100, PublishLoop.KEEP);
    for (int round = 1; round <= ROUNDS; round++) {
      // Kill during the first (cold, slow) publish or during the second; the delay counts from the child's
      // "ready" or from its first "published".
      int afterPublishes = round % 2;
      long delayMs = random.nextLong(MAX_KILL_DELAY_MS);
      String where = "seed " + seed + ", round " + round + ", killed " + delayMs + " ms after " + afterPublishes
          + " publishes";
      Child child = Child.start(root, round * ROUND_SECONDS, tmp.resolve("child-" + round + ".err"));
      try {
        long startDeadline = System.nanoTime() + START_TIMEOUT_NANOS;
        readWhile(root, () -> (!child.ready || child.published.get() < afterPublishes) && child.process.isAlive()
            && System.nanoTime() < startDeadline);
        long killAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs);
        readWhile(root, () -> System.nanoTime() < killAt);
        assertTrue(child.process.isAlive(), where + ": the child stopped by itself:\n" + child.stderr());
        assertTrue(child.ready && child.published.get() >= afterPublishes, where + ": the child did not get going "
            + "in time:\n" + child.stderr());
      } finally {
        child.process.destroyForcibly();
      }
      assertEquals(128 + 9, child.process.waitFor(), where + ": exit status of a SIGKILLed process");
      assertEveryBundleComplete(root, where);
    }

    String last = version((ROUNDS + 1) * ROUND_SECONDS);
    publish(root, last, 4, 100, PublishLoop.KEEP);
    assertEquals(Optional.of(last), Bundles.current(root));
    assertEveryBundleComplete(root, "seed " + seed + ", after the final publish");
    try (Stream<Path> entries = Files.list(root)) {
      List<String> hidden = entries.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith(".") && !n.equals(BundlePaths.LOCK)).toList();
      assertEquals(List.of(), hidden, "seed " + seed + ": staging, trash or pointer temp files left");
    }
  }

  // Meanwhile a reader in this process opens the current bundle: whichever it lands on must be complete.
  private static void readWhile(Path root, BooleanSupplier condition) throws Exception {
    while (condition.getAsBoolean()) {
      Fixtures.assertContentOfOwnVersion(Bundles.openCurrent(root, Verification.SIZES_ONLY));
      Thread.sleep(20);
    }
  }

  private static void assertEveryBundleComplete(Path root, String where) throws IOException {
    try {
      Bundle current = Bundles.openCurrent(root, Verification.CHECKSUMS);
      Fixtures.assertContentOfOwnVersion(current);
      for (String version : Bundles.versions(root)) {
        Fixtures.assertContentOfOwnVersion(Bundles.open(root, version, Verification.CHECKSUMS));
      }
    } catch (IOException | AssertionError e) {
      throw new AssertionError(where + ": " + e.getMessage(), e);
    }
  }

  /** A {@link PublishLoop} JVM and what it has printed. */
  private static final class Child {

    final Process process;
    final Path stderrFile;
    final AtomicInteger published = new AtomicInteger();
    volatile boolean ready;

    private Child(Process process, Path stderrFile) {
      this.process = process;
      this.stderrFile = stderrFile;
    }

    static Child start(Path root, long firstSecond, Path stderrFile) throws IOException {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process process = new ProcessBuilder(java, "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
          "-cp", System.getProperty("java.class.path"), PublishLoop.class.getName(), root.toString(),
          Long.toString(firstSecond))
          .redirectError(stderrFile.toFile())
          .start();
      Child child = new Child(process, stderrFile);
      Thread out = new Thread(child::readStdout, "publish-loop-stdout");
      out.setDaemon(true);
      out.start();
      return child;
    }

    private void readStdout() {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          if (line.equals("ready")) {
            ready = true;
          } else if (line.startsWith("published ")) {
            published.incrementAndGet();
          }
        }
      } catch (IOException e) {
        // The stream closes when the child is killed.
      }
    }

    String stderr() throws IOException {
      return Files.readString(stderrFile);
    }
  }
}
