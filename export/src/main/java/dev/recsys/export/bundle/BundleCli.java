package dev.recsys.export.bundle;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Command line for a bundles root: list the bundles, show the current one, roll back, verify checksums, compare
 * two bundles. Prints
 * one line per result; on error prints one line to stderr and exits 1 (2 for bad usage).
 *
 * <pre>
 * java -cp recsys-export.jar dev.recsys.export.bundle.BundleCli list /data/bundles
 * </pre>
 */
public final class BundleCli {

  private static final String USAGE = String.join("\n",
      "usage: BundleCli <command> <root> [version | other]",
      "  list <root>                bundles, newest first; * marks the current one",
      "  current <root>             the current version",
      "  rollback <root> [version]  point CURRENT at the newest valid bundle before it, or at <version>",
      "  verify <root> [version]    check every file's checksum of the current bundle, or of <version>",
      "  diff <a> <b>               whether two bundles (directories, or roots: their current bundles) hold the",
      "                             same files byte for byte and the same manifest (see BundleDiff); exit 1 if not");

  private BundleCli() {}

  /** Runs the command in {@code args} and exits with its code. */
  public static void main(String[] args) {
    System.exit(run(List.of(args), System.out, System.err));
  }

  /** Runs one command and returns the process exit code: 0 on success, 1 on error, 2 on bad usage. */
  static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.size() < 2 || args.size() > 3) {
      err.println(USAGE);
      return 2;
    }
    String command = args.get(0);
    Path root = Path.of(args.get(1));
    Optional<String> version = args.size() == 3 ? Optional.of(args.get(2)) : Optional.empty();
    if (command.equals("diff")) {
      if (args.size() != 3) {
        err.println(USAGE);
        return 2;
      }
      try {
        return diff(root, Path.of(args.get(2)), out);
      } catch (IOException | IllegalArgumentException e) {
        err.println("bundle diff: " + e.getMessage());
        return 1;
      }
    }
    boolean takesVersion = command.equals("rollback") || command.equals("verify");
    if (version.isPresent() && !takesVersion) {
      err.println(USAGE);
      return 2;
    }
    try {
      switch (command) {
        case "list" -> list(root, out);
        case "current" -> out.println(Bundles.current(root).orElseThrow(
            () -> new BundleException("no bundle has been published in " + root)));
        case "rollback" -> rollback(root, version, out);
        case "verify" -> verify(root, version, out);
        default -> {
          err.println("unknown command '" + command + "'\n" + USAGE);
          return 2;
        }
      }
      return 0;
    } catch (IOException | IllegalArgumentException e) {
      err.println("bundle " + command + ": " + e.getMessage());
      return 1;
    }
  }

  private static void list(Path root, PrintStream out) throws IOException {
    List<String> versions = Bundles.versions(root);
    if (versions.isEmpty()) {
      out.println("no bundles in " + root);
      return;
    }
    String current = Bundles.current(root).orElse("");
    for (int i = versions.size() - 1; i >= 0; i--) {
      String v = versions.get(i);
      String marker = v.equals(current) ? "* " : "  ";
      out.println(marker + v + "  " + summary(root.resolve(v)));
    }
  }

  private static String summary(Path dir) {
    try {
      Manifest m = ManifestJson.read(dir.resolve(Manifest.FILE_NAME));
      return "created " + m.createdAt() + "  " + m.files().size() + " files  " + size(m.totalBytes());
    } catch (IOException e) {
      return "unreadable: " + e.getMessage();
    }
  }

  private static void rollback(Path root, Optional<String> version, PrintStream out) throws IOException {
    String from = Bundles.current(root).orElse("(none)");
    String to = version.isPresent() ? Bundles.rollback(root, version.get()) : Bundles.rollback(root);
    out.println("current bundle: " + from + " -> " + to);
  }

  private static void verify(Path root, Optional<String> version, PrintStream out) throws IOException {
    Bundle bundle = version.isPresent()
        ? Bundles.open(root, version.get(), Verification.CHECKSUMS)
        : Bundles.openCurrent(root, Verification.CHECKSUMS);
    Manifest m = bundle.manifest();
    out.println("bundle " + bundle.version() + " OK: " + m.files().size() + " files, " + size(m.totalBytes())
        + ", checksums match " + Manifest.FILE_NAME);
  }

  private static int diff(Path a, Path b, PrintStream out) throws IOException {
    BundleDiff.Result r = BundleDiff.diff(a, b);
    if (r.same()) {
      out.println("bundles equal: " + r.files() + " files byte-equal, manifests equal except source_run "
          + new java.util.TreeSet<>(BundleDiff.RUN_LOCATIONS) + " and *" + BundleDiff.TIMING_SUFFIX
          + " metrics; other metrics within " + String.format(Locale.ROOT, "%.0e", BundleDiff.METRIC_TOLERANCE)
          + " relative");
      return 0;
    }
    out.println("bundles differ (" + r.differences().size() + "):");
    for (String d : r.differences()) {
      out.println("  " + d);
    }
    return 1;
  }

  private static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
