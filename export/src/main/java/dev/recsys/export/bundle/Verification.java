package dev.recsys.export.bundle;

/** How thoroughly {@link Bundles#open} checks a bundle's files against its manifest. */
public enum Verification {

  /** Reads every file and compares its SHA-256 and size with the manifest. */
  CHECKSUMS,

  /**
   * Checks that every listed file exists with the listed size and that no unlisted file exists, without reading
   * the content: for large indexes on a trusted disk, when start-up time matters more than catching bit rot.
   */
  SIZES_ONLY
}
