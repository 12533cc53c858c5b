/**
 * The versioned model bundle: the directory the training pipeline publishes and the server loads.
 *
 * <pre>
 * &lt;root&gt;/
 *   CURRENT                      the current version, one line
 *   20261122T031500Z-3f9a1c2/    one directory per bundle, named by its version, never changed once there
 *     manifest.json              {@link dev.recsys.export.bundle.Manifest}: metadata and every file's sha256 and size
 *     models/ranker.onnx ...     the files, at the paths the manifest lists
 *   .lock                        held by the one writer or rollback at a time
 *   .staging-&lt;version&gt;/         a bundle being written (hidden; removed by the next writer if its writer died)
 *   .trash-&lt;version&gt;/           a pruned bundle being deleted (hidden; likewise)
 * </pre>
 *
 * <p>{@link dev.recsys.export.bundle.BundleWriter} writes and publishes; {@link dev.recsys.export.bundle.Bundles}
 * resolves, opens, lists and rolls back; {@link dev.recsys.export.bundle.BundleCli} does the same from a shell.
 * Atomicity comes from two POSIX renames on one file system: the complete, fsynced staging directory becomes
 * {@code <root>/<version>}, then a fsynced {@code .CURRENT.tmp} replaces {@code CURRENT}. A reader reads
 * {@code CURRENT} once and opens files under that version's directory only.
 */
package dev.recsys.export.bundle;
