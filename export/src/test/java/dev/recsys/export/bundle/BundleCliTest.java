package dev.recsys.export.bundle;

import static dev.recsys.export.bundle.Fixtures.publish;
import static dev.recsys.export.bundle.Fixtures.version;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleCliTest {

  @TempDir
  Path root;

  private String out;
  private String err;

  private int run(String... args) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    int code = BundleCli.run(List.of(args), new PrintStream(o, true, StandardCharsets.UTF_8),
        new PrintStream(e, true, StandardCharsets.UTF_8));
    out = o.toString(StandardCharsets.UTF_8);
    err = e.toString(StandardCharsets.UTF_8);
    return code;
  }

  @Test
  void listsShowsRollsBackAndVerifies() throws Exception {
    publish(root, version(1));
    publish(root, version(2));
    String r = root.toString();

    assertEquals(0, run("list", r));
    String[] lines = out.split("\n");
    assertEquals(2, lines.length, out);
    assertTrue(lines[0].startsWith("* " + version(2) + "  created 2026-11-22T03:15:00Z  4 files  400 B"), out);
    assertTrue(lines[1].startsWith("  " + version(1)), out);

    assertEquals(0, run("current", r));
    assertEquals(version(2) + "\n", out);

    assertEquals(0, run("rollback", r));
    assertEquals("current bundle: " + version(2) + " -> " + version(1) + "\n", out);
    assertEquals(0, run("rollback", r, version(2)));
    assertEquals("current bundle: " + version(1) + " -> " + version(2) + "\n", out);

    assertEquals(0, run("verify", r));
    assertEquals("bundle " + version(2) + " OK: 4 files, 400 B, checksums match manifest.json\n", out);
    assertEquals("", err);
  }

  @Test
  void errorsAreOneLineWithANonZeroExit() throws Exception {
    publish(root, version(1));
    String r = root.toString();
    assertEquals(1, run("rollback", r));
    assertEquals("bundle rollback: no bundle before " + version(1) + " in " + r + "\n", err);

    Files.delete(root.resolve(version(1)).resolve(Fixtures.INDEX));
    assertEquals(1, run("verify", r, version(1)));
    assertEquals("bundle verify: bundle " + version(1) + " is incomplete: missing file index.faiss\n", err);

    assertEquals(0, run("list", r));
    assertEquals(1, run("current", root.resolve("missing").toString()));
    assertEquals(1, err.split("\n").length, err);
    assertEquals(2, run("current"));
    assertEquals(2, run("current", r, version(1)));
    assertEquals(2, run("promote", r));
  }
}
