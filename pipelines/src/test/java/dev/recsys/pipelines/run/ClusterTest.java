package dev.recsys.pipelines.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Opt-in: {@code bin/cluster-test}, the nightly on a Spark standalone master and two workers on 127.0.0.1, must
 * publish the same bundle as the same nightly in local mode. About 13 minutes and 10 GiB, so it runs only with
 * {@code -Drecsys.cluster.test=true} (README "Running on a cluster"); it uses the jars of {@code ./mvnw package}:
 * <pre>
 * ./mvnw -B package -DskipTests &amp;&amp; ./mvnw -B -pl pipelines test -Dtest=ClusterTest -Drecsys.cluster.test=true
 * </pre>
 * {@code -Drecsys.cluster.timeout=SECONDS} (default 3600) is passed to the script as {@code --timeout}.
 */
class ClusterTest {

  private static final Path ROOT = Path.of(System.getProperty("recsys.repo.root", "..")).toAbsolutePath()
      .normalize();

  @Test
  void nightlyOnAStandaloneClusterPublishesTheLocalBundle() throws Exception {
    assumeTrue(Boolean.getBoolean("recsys.cluster.test"),
        "opt-in: run with -Drecsys.cluster.test=true (bin/cluster-test, ~13 min)");
    long timeout = Long.getLong("recsys.cluster.timeout", 3600);
    Path log = Files.createTempFile("recsys-cluster-test", ".log");
    Process p = new ProcessBuilder(List.of(ROOT.resolve("bin/cluster-test").toString(), "--timeout",
        Long.toString(timeout)))
        .directory(ROOT.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    // The script stops its own cluster when its budget runs out; the margin covers stopping and the diff.
    if (!p.waitFor(timeout + 120, TimeUnit.SECONDS)) {
      p.destroy();
      p.waitFor(30, TimeUnit.SECONDS);
    }
    int code = p.isAlive() ? -1 : p.exitValue();
    String out = Files.readString(log);
    System.out.print(out);
    assertEquals(0, code, "bin/cluster-test failed (log " + log + "):\n" + tail(out, 60));
    Files.delete(log);
  }

  private static String tail(String text, int lines) {
    String[] all = text.split("\n");
    return String.join("\n", List.of(all).subList(Math.max(0, all.length - lines), all.length));
  }
}
