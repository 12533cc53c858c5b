package dev.recsys.pipelines.spark;

import dev.recsys.features.config.ConfigException;

/** The shared tail of every job's {@code main}: usage and config errors become one clear line and exit code 2. */
public final class Jobs {

  /** The body of a job's main, given its parsed arguments. */
  public interface Body {
    void run(JobArgs args) throws Exception;
  }

  /**
   * Thrown by {@link Sessions#open} under {@code -Drecsys.dryRun=true}: the job parsed its arguments and loaded
   * its config, and stops before any Spark work. The Airflow DAG tests use it to check every command they build.
   */
  static final class DryRun extends RuntimeException {
    DryRun() {
      super("dry run", null, false, false);
    }
  }

  private Jobs() {}

  public static void main(String usage, String[] args, java.util.Set<String> options, java.util.Set<String> flags,
      Body body) throws Exception {
    JobArgs parsed;
    try {
      parsed = JobArgs.parse(args, options, flags);
      body.run(parsed);
    } catch (DryRun e) {
      System.out.println("dry run: arguments and config are valid");
    } catch (JobArgs.UsageException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println("usage: " + usage);
      System.exit(2);
    } catch (ConfigException e) {
      System.err.println("config error: " + e.getMessage());
      System.exit(2);
    }
  }
}
