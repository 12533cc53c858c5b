package dev.recsys.export.bundle;

import dev.recsys.export.bundle.Manifest.ModelEntry;
import java.nio.file.Path;

/**
 * A published bundle whose files were checked against its manifest when it was opened ({@link Bundles#open}).
 * Files are read by path from the bundle directory, which never changes once published; it is deleted only when
 * it has fallen out of the retention window, so load everything needed soon after opening.
 */
public final class Bundle {

  private final Path dir;
  private final Manifest manifest;

  Bundle(Path dir, Manifest manifest) {
    this.dir = dir;
    this.manifest = manifest;
  }

  /** Returns the bundle version, also the name of its directory. */
  public String version() {
    return manifest.version();
  }

  /** Returns the bundle directory. */
  public Path dir() {
    return dir;
  }

  /** Returns the manifest. */
  public Manifest manifest() {
    return manifest;
  }

  /**
   * Returns the path of a file listed in the manifest, given relative to the bundle ({@code features/vocab.json});
   * throws {@link IllegalArgumentException} naming the listed files if there is no such file.
   */
  public Path file(String path) {
    if (!manifest.files().containsKey(path)) {
      throw new IllegalArgumentException("bundle " + version() + " has no file '" + path + "'. Files: "
          + String.join(", ", manifest.files().keySet()));
    }
    return dir.resolve(path);
  }

  /** Returns whether the manifest lists the file {@code path}. */
  public boolean has(String path) {
    return manifest.files().containsKey(path);
  }

  /**
   * Returns the item row of each index id: {@link BundleLayout#INDEX_ROWS} when the bundle has it, otherwise the
   * identity over {@code items} rows.
   */
  public int[] indexRows(int items) throws java.io.IOException {
    return has(BundleLayout.INDEX_ROWS) ? IndexRows.read(file(BundleLayout.INDEX_ROWS)) : IndexRows.identity(items);
  }

  /**
   * Returns the path of the named model's file; throws {@link IllegalArgumentException} naming the available
   * models if there is no such model.
   */
  public Path modelFile(String model) {
    ModelEntry entry = manifest.models().get(model);
    if (entry == null) {
      throw new IllegalArgumentException("bundle " + version() + " has no model named '" + model
          + "'. Available models: " + String.join(", ", manifest.models().keySet()));
    }
    return dir.resolve(entry.file());
  }

  @Override
  public String toString() {
    return "Bundle[" + dir + "]";
  }
}
