package dev.recsys.serving;

import dev.recsys.features.config.RecsysConfig;
import dev.recsys.features.config.ServingConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The parts the HTTP layer calls, built from config: the bundle holder, the recommender, the feedback log and
 * in-memory activity, metrics, admission control and the API key.
 *
 * @param apiKey the key {@code /feedback} and admin routes require, or null when the environment has none (then
 *     those routes always answer 401)
 */
public record Services(BundleHolder bundles, Recommender recommender, FeedbackLog feedback, RecentActivity activity,
    ServingMetrics metrics, Admission admission, ServingConfig cfg, String apiKey) implements AutoCloseable {

  /** Events kept in memory per user; older ones are in the next snapshot. */
  static final int RECENT_EVENTS_PER_USER = 200;

  /**
   * Returns the services for the bundles under {@code bundlesRoot}, with feedback written under the landing zone
   * of {@code cfg.storage()} (a local path); no bundle is loaded yet.
   */
  public static Services create(Path bundlesRoot, RecsysConfig cfg, String apiKey, Clock clock) {
    String root = cfg.storage().landing("events");
    if (root.contains("://")) {
      throw new IllegalArgumentException("serving writes feedback to a local landing zone, but storage.root is "
          + cfg.storage().root() + "; use an overlay with a local path");
    }
    ServingConfig s = cfg.serving();
    ServingMetrics metrics = new ServingMetrics();
    RecentActivity activity = new RecentActivity(RECENT_EVENTS_PER_USER);
    BundleHolder bundles = new BundleHolder(bundlesRoot, s, metrics, b -> activity.prune(b.asOfMs()));
    Recommender recommender = new Recommender(bundles, activity, new Experiments(s.experiment()), s, metrics);
    FeedbackLog feedback = new FeedbackLog(Path.of(root), s.serverId(), s.feedbackSliceMinutes(), clock);
    Admission admission = new Admission(s.workerThreads(), s.queue());
    metrics.gauge("recsys_bundle_age_seconds", () -> clock.millis() / 1000.0 - bundles.createdAtSeconds());
    metrics.gauge("recsys_recent_activity_users", activity::users);
    metrics.gauge("recsys_in_flight_requests", admission::inFlight);
    metrics.info("recsys_bundle_info", "version", () -> bundles.version().orElse(null));
    metrics.gauge("recsys_bundle_loaded", () -> bundles.version().isPresent() ? 1 : 0);
    return new Services(bundles, recommender, feedback, activity, metrics, admission, s, apiKey);
  }

  /** Returns a description without the API key, so that logging the services never leaks it. */
  @Override
  public String toString() {
    return "Services[bundles=" + bundles.version().orElse("none") + ", apiKey=" + (apiKey == null ? "unset" : "***")
        + "]";
  }

  /** Stops the bundle watcher, releases the bundle and closes the feedback file. */
  @Override
  public void close() throws IOException {
    bundles.close();
    feedback.close();
  }
}
