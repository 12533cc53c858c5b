package dev.recsys.pipelines.spark;

import dev.recsys.features.config.ConfigException;

/** The shared tail of every job's {@code main}: usage and config errors become one clear line and exit code 2. */
public final class Jobs {

  /** The body of a job's main, given its parsed arguments. */
  public interface Body {
    void run(JobArgs args) throws Exception;
  }

  private Jobs() {}

  public static void main(String usage, String[] args, java.util.Set<String> options, java.util.Set<String> flags,
      Body body) throws Exception {
    JobArgs parsed;
    try {
      parsed = JobArgs.parse(args, options, flags);
      body.run(parsed);
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
