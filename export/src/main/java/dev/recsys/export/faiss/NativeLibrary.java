package dev.recsys.export.faiss;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/** Loads JNI libraries shipped inside the jar under {@code native/<os>-<arch>/} (today the FAISS shim only). */
final class NativeLibrary {
  private NativeLibrary() {}

  /**
   * Extracts {@code lib<name>.so} for this platform to a temporary file and loads it.
   *
   * <p>Callers load from a static initializer, so this runs once per class loader. The temporary file is
   * deleted right after loading: the mapping stays valid on Linux and nothing is left in /tmp.
   */
  static void load(String name) {
    String resource = "/native/" + platform() + "/" + System.mapLibraryName(name);
    try (InputStream in = NativeLibrary.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new UnsatisfiedLinkError("No native library " + resource + " on the classpath; the export"
            + " module builds it for linux-x86_64 only (needs apt packages libfaiss-dev libopenblas-openmp-dev)");
      }
      Path file = Files.createTempFile("lib" + name + "-", ".so");
      try {
        Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        System.load(file.toAbsolutePath().toString());
      } catch (UnsatisfiedLinkError e) {
        UnsatisfiedLinkError hint = new UnsatisfiedLinkError("Cannot load " + resource + " (" + e.getMessage()
            + "); at run time it needs OpenBLAS's OpenMP build: apt-get install -y libopenblas0-openmp");
        hint.initCause(e);
        throw hint;
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot extract native library " + resource, e);
    }
  }

  /** Returns the platform folder name, e.g. {@code linux-x86_64}. */
  private static String platform() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT).replaceAll("\\s+", "");
    String arch = System.getProperty("os.arch");
    return os + "-" + (arch.equals("amd64") ? "x86_64" : arch);
  }
}
