package dev.recsys.serving;

import dev.recsys.export.bundle.Bundle;
import dev.recsys.export.bundle.Bundles;
import dev.recsys.export.bundle.Verification;
import dev.recsys.features.config.ServingConfig;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the current {@link ServingBundle} and swaps in new ones: {@link #reload} loads the bundle {@code CURRENT}
 * names fully, then replaces the reference; requests that already {@link #acquire acquired} the old bundle keep
 * it until they {@link Lease#close close} their lease, and the old bundle's native resources are freed after the
 * last one.
 */
public final class BundleHolder implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(BundleHolder.class);

  private final Path root;
  private final ServingConfig cfg;
  private final ServingMetrics metrics;
  private final AtomicReference<ServingBundle> current = new AtomicReference<>();
  private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "bundle-watcher");
    t.setDaemon(true);
    return t;
  });
  private final Consumer<ServingBundle> onSwap;
  private String lastFailedVersion;
  private boolean closed;

  /** A bundle retained for one request; closing it releases the reference. */
  public static final class Lease implements AutoCloseable {
    private final ServingBundle bundle;

    private Lease(ServingBundle bundle) {
      this.bundle = bundle;
    }

    public ServingBundle bundle() {
      return bundle;
    }

    @Override
    public void close() {
      bundle.release();
    }
  }

  /**
   * Returns a holder for the bundles under {@code root}; nothing is loaded until {@link #reload}. {@code onSwap}
   * runs after each bundle is swapped in, with the new bundle.
   */
  public BundleHolder(Path root, ServingConfig cfg, ServingMetrics metrics, Consumer<ServingBundle> onSwap) {
    this.root = root;
    this.cfg = cfg;
    this.metrics = metrics;
    this.onSwap = onSwap;
  }

  /** Returns a lease on the current bundle, or empty when none has been loaded yet. */
  public Optional<Lease> acquire() {
    while (true) {
      ServingBundle b = current.get();
      if (b == null) {
        return Optional.empty();
      }
      if (b.tryRetain()) {
        return Optional.of(new Lease(b));
      }
      // Lost a race with a swap that released b's last reference: the reference now names the new bundle.
    }
  }

  /** Returns the version of the loaded bundle, or empty before the first load. */
  public Optional<String> version() {
    ServingBundle b = current.get();
    return b == null ? Optional.empty() : Optional.of(b.version());
  }

  /** Returns the manifest time of the loaded bundle as epoch seconds, or NaN before the first load. */
  double createdAtSeconds() {
    ServingBundle b = current.get();
    return b == null ? Double.NaN : b.createdAt().toEpochMilli() / 1000.0;
  }

  /**
   * Loads the bundle {@code CURRENT} names if it is not the loaded one, swaps it in and returns its version;
   * returns the loaded version when nothing changed. Throws (leaving the loaded bundle in place) when the new
   * bundle fails its checks.
   */
  public synchronized String reload() throws Exception {
    if (closed) {
      throw new IllegalStateException("bundle holder for " + root + " is closed");
    }
    Verification verification = cfg.verifyChecksums() ? Verification.CHECKSUMS : Verification.SIZES_ONLY;
    Optional<String> named = Bundles.current(root);
    ServingBundle old = current.get();
    if (named.isPresent() && old != null && named.get().equals(old.version())) {
      return old.version();
    }
    long start = System.nanoTime();
    ServingBundle fresh;
    try {
      Bundle bundle = Bundles.openCurrent(root, verification);
      fresh = ServingBundle.load(bundle, cfg);
    } catch (Exception e) {
      metrics.bundleLoad("failure");
      throw e;
    }
    current.set(fresh);
    metrics.bundleLoad("success");
    LOG.info("bundle {} loaded in {} ms (was {})", fresh.version(), (System.nanoTime() - start) / 1_000_000,
        old == null ? "none" : old.version());
    if (old != null) {
      old.release();
    }
    onSwap.accept(fresh);
    return fresh.version();
  }

  /** Starts polling {@code CURRENT} every {@code serving.watch_interval_ms}; failures are logged once per version. */
  public void startWatching() {
    watcher.scheduleWithFixedDelay(this::poll, cfg.watchIntervalMs(), cfg.watchIntervalMs(), TimeUnit.MILLISECONDS);
  }

  private void poll() {
    String named = null;
    try {
      synchronized (this) {
        if (closed) {
          return;
        }
      }
      named = Bundles.current(root).orElse(null);
      if (named == null || named.equals(lastFailedVersion) || version().map(named::equals).orElse(false)) {
        return;
      }
      reload();
      lastFailedVersion = null;
    } catch (Exception e) {
      lastFailedVersion = named;
      LOG.error("bundle {} was not loaded; still serving {}", named, version().orElse("nothing"), e);
    }
  }

  /** Stops watching and releases the holder's reference on the loaded bundle. */
  @Override
  public synchronized void close() {
    closed = true;
    watcher.shutdownNow();
    ServingBundle b = current.getAndSet(null);
    if (b != null) {
      b.release();
    }
  }
}
