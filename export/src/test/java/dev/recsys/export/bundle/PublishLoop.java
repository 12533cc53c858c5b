package dev.recsys.export.bundle;

import java.nio.file.Path;

/**
 * Publishes bundles of many files under a root, one after another, until the process is killed; {@link CrashTest}
 * runs it in a child JVM. Prints {@code ready} once started and {@code published <version>} after each publish.
 *
 * <p>Arguments: the bundles root and the second (after {@link Fixtures#T0}) of the first version.
 */
public final class PublishLoop {

  static final int FILES = 24;
  static final int FILE_BYTES = 4_096;
  static final int KEEP = 2;

  private PublishLoop() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    long first = Long.parseLong(args[1]);
    System.out.println("ready");
    for (long second = first; ; second++) {
      String version = Fixtures.version(second);
      Fixtures.publish(root, version, FILES, FILE_BYTES, KEEP);
      System.out.println("published " + version);
    }
  }
}
