package dev.recsys.export.bundle;

import static dev.recsys.export.bundle.Fixtures.publish;
import static dev.recsys.export.bundle.Fixtures.version;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrentReadTest {

  private static final int PUBLISHES = 12;

  @Test
  void aReaderSeesAnOldOrANewCompleteBundleWhilePublishesRun(@TempDir Path root) throws Exception {
    publish(root, version(0), 10, 2_000, 1);
    AtomicBoolean publishing = new AtomicBoolean(true);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicInteger reads = new AtomicInteger();
    Set<String> seen = ConcurrentHashMap.newKeySet();
    Thread reader = new Thread(() -> {
      try {
        while (publishing.get()) {
          Bundle bundle = Bundles.openCurrent(root, Verification.CHECKSUMS);
          Fixtures.assertContentOfOwnVersion(bundle);
          seen.add(bundle.version());
          reads.incrementAndGet();
        }
      } catch (Throwable t) {
        failure.set(t);
      }
    }, "bundle-reader");
    reader.start();
    try {
      // keep = 1 prunes every bundle older than the previous current, so readers also race with deletions. A
      // publish keeps the bundle that was current until then, not older ones: a read may overlap one publish, so
      // each next publish waits for a read to complete (without the wait a reader slowed down by a busy machine
      // overlapped two publishes, and its bundle was rightly deleted under it).
      for (int i = 1; i <= PUBLISHES && failure.get() == null; i++) {
        publish(root, version(i), 10, 2_000, 1);
        int before = reads.get();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (reads.get() == before && failure.get() == null && System.nanoTime() < deadline) {
          Thread.sleep(1);
        }
      }
    } finally {
      publishing.set(false);
      reader.join();
    }
    if (failure.get() != null) {
      throw new AssertionError("reader failed after " + reads.get() + " reads", failure.get());
    }
    assertTrue(seen.size() >= 2, "reader should overlap several publishes, saw " + seen);
    assertTrue(seen.stream().allMatch(v -> v.compareTo(version(PUBLISHES)) <= 0), seen::toString);
    assertEquals(version(PUBLISHES), Bundles.openCurrent(root, Verification.CHECKSUMS).version());
  }
}
