package dev.recsys.pipelines.run;

import dev.recsys.features.config.ConfigLoader;
import dev.recsys.features.config.ExportConfig;
import dev.recsys.features.config.GeneratorConfig;
import dev.recsys.features.config.RecsysConfig;
import dev.recsys.features.config.SparkSettings;
import dev.recsys.features.config.StorageConfig;
import dev.recsys.pipelines.spark.JobArgs;
import dev.recsys.pipelines.spark.Jobs;
import dev.recsys.pipelines.spark.Sessions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.apache.spark.sql.SparkSession;

/**
 * Writes the GPU fallback report: runs every pipeline step on small generated data with the RAPIDS Accelerator in
 * explain-only mode (queries run on the CPU; the plugin plans each one as if for the GPU and logs the result),
 * and turns the plugin's plan explanations into {@code docs/gpu-fallback.md}: per step, the operators that would
 * run on the GPU and those that would stay on the CPU, with the plugin's reason.
 *
 * <p>The RAPIDS settings are the gpu overlay's {@code spark.conf} (so the report describes that overlay), minus the
 * GPU resource requests (local mode cannot schedule them), plus explain-only mode. Needs the RAPIDS jar on the
 * classpath: {@code ./mvnw -Pgpu package}, then {@code ./recsys gpu-explain}, which passes it.
 */
public final class ExplainGpuPlansJob {

  static final String USAGE = "ExplainGpuPlansJob --conf <overlays> --run-date <yyyy-mm-dd> [--events N]"
      + " [--out docs/gpu-fallback.md] [--work <dir>]";
  static final String PLUGIN_CLASS = "com.nvidia.spark.SQLPlugin";
  /** The logger the RAPIDS plugin writes its plan explanations to. */
  static final String EXPLAIN_LOGGER = "com.nvidia.spark.rapids.GpuOverrides";
  /**
   * Without it the executor plugin initialises the GPU (and exits the JVM without one) at startup; with it, GPU
   * memory is set up by the first task that uses the GPU, which in explain-only mode none does.
   */
  static final String DEFER_GPU_INIT = "com.nvidia.spark.rapids.memory.gpu.rmm.init.task";

  /** The kind of a plan line whose class the plugin has no GPU rule for ({@code ! <Name> ...}). */
  static final String NO_RULE = "no GPU rule";

  /** One line of a plan explanation: an operator, whether it would run on the GPU, and why not. */
  record PlanLine(String kind, String operator, boolean onGpu, String reason) {}

  public static void main(String[] args) throws Exception {
    Jobs.main(USAGE, args, Set.of("conf", "run-date", "events", "out", "work"), Set.of(), a -> {
      String conf = a.required("conf");
      LocalDate runDate = a.runDate();
      long events = a.longValue("events", 20_000);
      Path out = Path.of(a.get("out").orElse("docs/gpu-fallback.md"));
      Path work = Path.of(a.get("work").orElse(Files.createTempDirectory("recsys-gpu-explain").toString()));
      RecsysConfig gpu = ConfigLoader.load(conf + ",gpu");
      RecsysConfig cfg = smallRun(a.config(), work, events);
      SparkSettings spark = explainOnly(cfg.spark(), gpu.spark());
      requirePlugin();
      System.setProperty(DEFER_GPU_INIT, "true");
      Capture capture = Capture.install();
      JobArgs pipelineArgs = JobArgs.parse(new String[] {"--run-date", runDate.toString(), "--generate"},
          Set.of("run-date"), Set.of("generate"));
      try (SparkSession session = Sessions.open("recsys-gpu-explain", spark)) {
        RunPipelineJob.run(session, cfg, pipelineArgs);
      } finally {
        capture.remove();
      }
      Map<String, List<List<PlanLine>>> bySteps = new LinkedHashMap<>();
      capture.explanations().forEach((step, texts) -> bySteps.put(step, distinctPlans(texts)));
      String how = "./recsys gpu-explain --run-date " + runDate + " --events " + events;
      Files.createDirectories(out.toAbsolutePath().getParent());
      Files.writeString(out, report(bySteps, spark.conf(), how));
      System.out.println("GPU fallback report: " + out.toAbsolutePath());
    });
  }

  /** The config of a small run under {@code work}: scaled generator without bot traffic, small index settings. */
  static RecsysConfig smallRun(RecsysConfig cfg, Path work, long events) {
    GeneratorConfig g = cfg.generator().withScale(events, (int) Math.max(100, events / 40),
        (int) Math.max(50, events / 100));
    ExportConfig e = cfg.export();
    // No bot: at this scale its events alone would sink the validation quality gate.
    return cfg.withStorage(new StorageConfig(work.resolve("lake").toString()))
        .withGenerator(new GeneratorConfig(g.seed(), g.events(), g.users(), g.items(), g.categories(), g.days(),
            g.dirtyShare(), 0, g.partitions()))
        .withExport(new ExportConfig(work.resolve("bundles").toString(), e.keep(), "HNSW16", e.nprobe(), 32, 10,
            Math.min(e.recallSample(), g.users() / 2), e.recallFloor(), e.popularityTop(), e.recentDays(),
            e.batchSize()));
  }

  /**
   * Returns {@code base} with the gpu overlay's {@code spark.*} settings, without its GPU resource requests, in
   * explain-only mode with every plan explained.
   */
  static SparkSettings explainOnly(SparkSettings base, SparkSettings gpu) {
    Map<String, String> conf = new TreeMap<>(base.conf());
    gpu.conf().forEach((k, v) -> {
      if (!k.matches("spark\\.(executor|task|driver)\\.resource\\..*")) {
        conf.put(k, v);
      }
    });
    if (!PLUGIN_CLASS.equals(conf.get("spark.plugins"))) {
      throw new IllegalStateException("the gpu overlay must set spark.plugins to " + PLUGIN_CLASS + ", got "
          + conf.get("spark.plugins"));
    }
    conf.put("spark.rapids.sql.mode", "explainOnly");
    conf.put("spark.rapids.sql.explain", "ALL");
    // No GPU to check here; the check would exit the JVM.
    conf.put("spark.rapids.skipGpuArchitectureCheck", "true");
    return new SparkSettings(base.shufflePartitions(), base.deltaSnapshotPartitions(), conf);
  }

  private static void requirePlugin() {
    try {
      Class.forName(PLUGIN_CLASS);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("the RAPIDS Accelerator (" + PLUGIN_CLASS + ") is not on the classpath: "
          + "build it with ./mvnw -Pgpu package and run ./recsys gpu-explain, which passes "
          + "gpu-jars/target/spark/rapids-4-spark_2.12-*.jar with --jars", e);
    }
  }

  /** Attribute and expression ids ({@code raw#2}, {@code sum#41L}), which differ between otherwise equal plans. */
  private static final Pattern IDS = Pattern.compile("#\\d+L?");
  private static final int MAX_REASON = 300;

  /**
   * Returns the parsed plans of one step, each once: adaptive execution and Delta's own log queries explain the
   * same plan many times, differing only in attribute ids.
   */
  static List<List<PlanLine>> distinctPlans(List<String> explanations) {
    Set<String> seen = new HashSet<>();
    List<List<PlanLine>> plans = new ArrayList<>();
    for (String text : explanations) {
      if (seen.add(IDS.matcher(text).replaceAll(""))) {
        plans.add(parse(text));
      }
    }
    return plans;
  }

  private static final Pattern NOT_ON_GPU =
      Pattern.compile("^\\s*!(\\w*)\\s*<([^>]+)>.*? cannot run on GPU because (.*)$");
  private static final Pattern ON_GPU = Pattern.compile("^\\s*\\*(\\w+)\\s*<([^>]+)>.* will run on GPU\\s*$");

  /**
   * Returns the operators of one plan explanation as the plugin writes them: {@code *Exec <Name> will run on
   * GPU}, {@code !Exec <Name> cannot run on GPU because reason}, and the same for expressions, commands and data
   * sources ({@code ! <DeltaDataSource> ...}); lines about expressions that could run ({@code @Expression}) are
   * left out.
   */
  static List<PlanLine> parse(String explanation) {
    List<PlanLine> lines = new ArrayList<>();
    for (String line : explanation.split("\n")) {
      Matcher not = NOT_ON_GPU.matcher(line);
      if (not.matches()) {
        String reason = IDS.matcher(not.group(3).trim()).replaceAll("");
        lines.add(new PlanLine(not.group(1).isEmpty() ? NO_RULE : not.group(1), not.group(2), false,
            reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + " ..." : reason));
        continue;
      }
      Matcher on = ON_GPU.matcher(line);
      if (on.matches()) {
        lines.add(new PlanLine(on.group(1), on.group(2), true, ""));
      }
    }
    return lines;
  }

  /**
   * The markdown report: a summary per step, the operators that stay on the CPU most often, then per step the
   * operators staying on the CPU with the plugin's reasons and those that would run on the GPU. Counts are over
   * distinct plans.
   */
  static String report(Map<String, List<List<PlanLine>>> bySteps, Map<String, String> conf, String how) {
    StringBuilder s = new StringBuilder()
        .append("# GPU fallback report\n\n")
        .append("Generated by `").append(how).append("` (`ExplainGpuPlansJob`); do not edit, re-run it.\n")
        .append("Every pipeline step ran on small generated data with the RAPIDS Accelerator in explain-only mode:\n")
        .append("the plugin planned each query as if for the GPU and logged which operators would stay on the CPU\n")
        .append("and why. Counts are over the distinct plans of a step (Delta's own queries on its transaction log\n")
        .append("included). What to make of it: [gpu.md](gpu.md).\n\nRAPIDS settings (the gpu overlay without its ")
        .append("resource requests):\n\n");
    conf.forEach((k, v) -> {
      if (k.startsWith("spark.rapids.") || k.equals("spark.plugins") || k.equals("spark.sql.cache.serializer")) {
        s.append("- `").append(k).append('=').append(v).append("`\n");
      }
    });
    s.append("\n| step | plans | plan nodes on the GPU | plan nodes on the CPU | expressions on the CPU |\n")
        .append("|---|---|---|---|---|\n");
    Map<List<String>, Integer> overall = new TreeMap<>(ExplainGpuPlansJob::compareLists);
    bySteps.forEach((step, plans) -> {
      List<PlanLine> lines = plans.stream().flatMap(List::stream).toList();
      s.append("| ").append(step).append(" | ").append(plans.size()).append(" | ")
          .append(lines.stream().filter(l -> l.onGpu() && !l.kind().equals("Expression")).count()).append(" | ")
          .append(lines.stream().filter(l -> !l.onGpu() && !l.kind().equals("Expression")).count()).append(" | ")
          .append(lines.stream().filter(l -> !l.onGpu() && l.kind().equals("Expression")).count()).append(" |\n");
      lines.stream().filter(l -> !l.onGpu() && !l.kind().equals("Expression"))
          .forEach(l -> overall.merge(List.of(l.operator(), step), 1, Integer::sum));
    });
    Map<String, Integer> byOperator = new TreeMap<>();
    Map<String, Set<String>> stepsOf = new TreeMap<>();
    overall.forEach((k, n) -> {
      byOperator.merge(k.get(0), n, Integer::sum);
      stepsOf.computeIfAbsent(k.get(0), x -> new LinkedHashSet<>()).add(k.get(1));
    });
    s.append("\nPlan nodes staying on the CPU most often (all steps):\n\n| operator | times | steps |\n|---|---|---|\n");
    byOperator.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(15)
        .forEach(e -> s.append("| `").append(e.getKey()).append("` | ").append(e.getValue()).append(" | ")
            .append(String.join(", ", stepsOf.get(e.getKey()))).append(" |\n"));
    bySteps.forEach((step, plans) -> {
      s.append("\n## ").append(step).append("\n\n");
      Map<List<String>, Integer> cpu = new TreeMap<>(ExplainGpuPlansJob::compareLists);
      Map<String, Integer> cpuExpressions = new TreeMap<>();
      Map<String, String> expressionReason = new TreeMap<>();
      Map<String, Integer> gpu = new TreeMap<>();
      plans.stream().flatMap(List::stream).forEach(l -> {
        if (l.onGpu()) {
          gpu.merge(l.operator(), 1, Integer::sum);
        } else if (l.kind().equals("Expression")) {
          cpuExpressions.merge(l.operator(), 1, Integer::sum);
          expressionReason.putIfAbsent(l.operator(), l.reason());
        } else {
          cpu.merge(List.of(l.kind(), l.operator(), l.reason()), 1, Integer::sum);
        }
      });
      if (cpu.isEmpty() && cpuExpressions.isEmpty()) {
        s.append("Every operator would run on the GPU.\n");
      }
      if (!cpu.isEmpty()) {
        s.append("Plan nodes staying on the CPU:\n\n| kind | operator | times | reason |\n|---|---|---|---|\n");
        cpu.forEach((k, n) -> s.append("| ").append(k.get(0)).append(" | `").append(k.get(1)).append("` | ")
            .append(n).append(" | ").append(k.get(2).replace("|", "\\|")).append(" |\n"));
      }
      if (!cpuExpressions.isEmpty()) {
        s.append("\nExpressions staying on the CPU (one reason each):\n\n| expression | times | reason |\n")
            .append("|---|---|---|\n");
        cpuExpressions.forEach((e, n) -> s.append("| `").append(e).append("` | ").append(n).append(" | ")
            .append(expressionReason.get(e).replace("|", "\\|")).append(" |\n"));
      }
      if (!gpu.isEmpty()) {
        List<String> names = new ArrayList<>();
        gpu.forEach((k, n) -> names.add("`" + k + "` (" + n + ")"));
        s.append("\nOn the GPU: ").append(String.join(", ", names)).append(".\n");
      }
    });
    if (bySteps.isEmpty()) {
      s.append("\nNo plan was explained: the plugin did not log to ").append(EXPLAIN_LOGGER).append(".\n");
    }
    return s.toString();
  }

  private static int compareLists(List<String> a, List<String> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int c = a.get(i).compareTo(b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  /**
   * Collects the plugin's plan explanations by pipeline step: a log4j appender on the plugin's logger (not passed
   * on to the console, which would drown in them) and on {@link RunPipelineJob}'s, whose {@code step {}: start}
   * lines say which step the following plans belong to.
   */
  static final class Capture extends AbstractAppender {

    private final Map<String, List<String>> byStep = Collections.synchronizedMap(new LinkedHashMap<>());
    private volatile String step = "(before the first step)";
    private final LoggerContext context;

    private Capture(LoggerContext context) {
      super("recsys-gpu-explain", null, null, true, Property.EMPTY_ARRAY);
      this.context = context;
    }

    static Capture install() {
      LoggerContext context = (LoggerContext) LogManager.getContext(false);
      Capture capture = new Capture(context);
      capture.start();
      Configuration config = context.getConfiguration();
      config.addAppender(capture);
      LoggerConfig explain = new LoggerConfig(EXPLAIN_LOGGER, Level.WARN, false);
      explain.addAppender(capture, Level.WARN, null);
      config.addLogger(EXPLAIN_LOGGER, explain);
      LoggerConfig steps = new LoggerConfig(RunPipelineJob.class.getName(), Level.INFO, true);
      steps.addAppender(capture, Level.INFO, null);
      config.addLogger(RunPipelineJob.class.getName(), steps);
      context.updateLoggers();
      return capture;
    }

    void remove() {
      Configuration config = context.getConfiguration();
      config.removeLogger(EXPLAIN_LOGGER);
      config.removeLogger(RunPipelineJob.class.getName());
      context.updateLoggers();
      stop();
    }

    @Override
    public void append(LogEvent event) {
      if (event.getLoggerName().equals(RunPipelineJob.class.getName())) {
        Object[] params = event.getMessage().getParameters();
        if ("step {}: start".equals(event.getMessage().getFormat()) && params != null && params.length == 1) {
          step = String.valueOf(params[0]);
        }
      } else {
        byStep.computeIfAbsent(step, k -> Collections.synchronizedList(new ArrayList<>()))
            .add(event.getMessage().getFormattedMessage());
      }
    }

    Map<String, List<String>> explanations() {
      synchronized (byStep) {
        return new LinkedHashMap<>(byStep);
      }
    }
  }
}
