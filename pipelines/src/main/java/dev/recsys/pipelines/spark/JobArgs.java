package dev.recsys.pipelines.spark;

import dev.recsys.features.config.ConfigLoader;
import dev.recsys.features.config.RecsysConfig;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The command line of a job: {@code --name value} pairs, {@code --flag} booleans. Only per-run values travel
 * here ({@code --conf}, {@code --run-date}, smoke-test flags); everything else is in {@code conf/}.
 */
public final class JobArgs {

  /** A command line that cannot be run; {@link Jobs#main} prints it with the job's usage line. */
  public static final class UsageException extends RuntimeException {
    public UsageException(String message) {
      super(message);
    }
  }

  private final Map<String, String> values;

  private JobArgs(Map<String, String> values) {
    this.values = values;
  }

  /** Parses {@code args}; {@code options} take a value, {@code flags} do not; anything else is a usage error. */
  public static JobArgs parse(String[] args, Set<String> options, Set<String> flags) {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        throw new UsageException("unexpected argument '" + a + "'");
      }
      String name = a.substring(2);
      String inline = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        inline = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (flags.contains(name) && inline == null) {
        values.put(name, "true");
      } else if (options.contains(name)) {
        if (inline == null && (i + 1 >= args.length || args[i + 1].startsWith("--"))) {
          throw new UsageException("--" + name + " needs a value");
        }
        values.put(name, inline != null ? inline : args[++i]);
      } else {
        throw new UsageException("unknown option --" + name);
      }
    }
    return new JobArgs(values);
  }

  public Optional<String> get(String name) {
    return Optional.ofNullable(values.get(name));
  }

  public String required(String name) {
    return get(name).orElseThrow(() -> new UsageException("--" + name + " is required"));
  }

  public boolean flag(String name) {
    return values.containsKey(name);
  }

  public long longValue(String name, long fallback) {
    return get(name).map(v -> parseLong(name, v)).orElse(fallback);
  }

  public RecsysConfig config() {
    return ConfigLoader.load(required("conf"));
  }

  /** The run date from the scheduler ({@code --run-date 2026-11-21}): jobs never ask the clock. */
  public LocalDate runDate() {
    String v = required("run-date");
    try {
      return LocalDate.parse(v);
    } catch (DateTimeParseException e) {
      throw new UsageException("--run-date must be an ISO date like 2026-11-21, got '" + v + "'");
    }
  }

  private static long parseLong(String name, String v) {
    try {
      return Long.parseLong(v.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be a whole number, got '" + v + "'");
    }
  }
}
