package dev.recsys.pipelines.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recsys.features.config.SparkSettings;
import dev.recsys.pipelines.run.ExplainGpuPlansJob.PlanLine;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parsing the RAPIDS plugin's plan explanations (text as RAPIDS 25.04.0 logged it for the ingest job). */
class ExplainGpuPlansJobTest {

  private static final String INGEST_PLAN = """

        !Exec <ProjectExec> cannot run on GPU because not all expressions can be replaced
          @Expression <AttributeReference> raw#2 could run on GPU
          !Expression <JsonToStructs> from_json(StructField(event_id,StringType,true), raw#2, Some(UTC)) \
      cannot run on GPU because JsonToStructs does not support Corrupt Record
          *Exec <ShuffleExchangeExec> will run on GPU
            !Exec <FileSourceScanExec> cannot run on GPU because unsupported file format: \
      org.apache.spark.sql.execution.datasources.text.TextFileFormat
      """;
  private static final String DELTA_WRITE = """

      !Exec <ExecutedCommandExec> cannot run on GPU because not all commands can be replaced
        !Command <SaveIntoDataSourceCommand> cannot run on GPU because the table creation provider cannot be replaced
          ! <DeltaDataSource> cannot run on GPU because GPU does not currently support the create table provider \
      class org.apache.spark.sql.delta.sources.DeltaDataSource
      """;

  @Test
  void parsesOperatorsOnAndOffTheGpuWithTheirReasons() {
    List<PlanLine> lines = ExplainGpuPlansJob.parse(INGEST_PLAN);
    assertEquals(List.of(
        new PlanLine("Exec", "ProjectExec", false, "not all expressions can be replaced"),
        new PlanLine("Expression", "JsonToStructs", false, "JsonToStructs does not support Corrupt Record"),
        new PlanLine("Exec", "ShuffleExchangeExec", true, ""),
        new PlanLine("Exec", "FileSourceScanExec", false,
            "unsupported file format: org.apache.spark.sql.execution.datasources.text.TextFileFormat")), lines);
    assertEquals(new PlanLine(ExplainGpuPlansJob.NO_RULE, "DeltaDataSource", false,
        "GPU does not currently support the create table provider class "
            + "org.apache.spark.sql.delta.sources.DeltaDataSource"), ExplainGpuPlansJob.parse(DELTA_WRITE).get(2));
  }

  @Test
  void plansDifferingOnlyInAttributeIdsCountOnce() {
    List<List<PlanLine>> plans = ExplainGpuPlansJob.distinctPlans(
        List.of(INGEST_PLAN, INGEST_PLAN.replace("raw#2", "raw#17"), DELTA_WRITE));
    assertEquals(2, plans.size());
    assertEquals(ExplainGpuPlansJob.parse(DELTA_WRITE), plans.get(1));
  }

  @Test
  void reportCountsOperatorsPerStep() {
    Map<String, List<List<PlanLine>>> bySteps = new LinkedHashMap<>();
    bySteps.put("ingest", List.of(ExplainGpuPlansJob.parse(INGEST_PLAN), ExplainGpuPlansJob.parse(DELTA_WRITE),
        ExplainGpuPlansJob.parse(INGEST_PLAN.replace("ProjectExec", "FilterExec"))));
    bySteps.put("split", List.of(List.of(new PlanLine("Exec", "FilterExec", true, ""))));
    String report = ExplainGpuPlansJob.report(bySteps, Map.of("spark.plugins", "com.nvidia.spark.SQLPlugin",
        "spark.rapids.sql.mode", "explainOnly", "spark.ui.enabled", "false"), "./recsys gpu-explain");
    assertTrue(report.contains("| ingest | 3 | 2 | 7 | 2 |"), report);
    assertTrue(report.contains("| split | 1 | 1 | 0 | 0 |"), report);
    assertTrue(report.contains("| `JsonToStructs` | 2 | JsonToStructs does not support Corrupt Record |"), report);
    assertTrue(report.contains("| Exec | `ProjectExec` | 1 | not all expressions can be replaced |"), report);
    assertTrue(report.contains("| `FileSourceScanExec` | 2 | ingest |"), report);
    assertTrue(report.contains("On the GPU: `ShuffleExchangeExec` (2)."), report);
    assertTrue(report.contains("## split\n\nEvery operator would run on the GPU."), report);
    assertTrue(report.contains("- `spark.rapids.sql.mode=explainOnly`"), report);
    assertFalse(report.contains("spark.ui.enabled"), "only the plugin's settings are listed: " + report);
  }

  @Test
  void explainOnlyKeepsTheOverlaysRapidsSettingsWithoutResourceRequests() {
    SparkSettings base = new SparkSettings(8, 2, Map.of("spark.sql.adaptive.enabled", "true"));
    SparkSettings gpu = new SparkSettings(8, 2, Map.of("spark.plugins", "com.nvidia.spark.SQLPlugin",
        "spark.rapids.sql.explain", "NOT_ON_GPU", "spark.rapids.sql.concurrentGpuTasks", "2",
        "spark.executor.resource.gpu.amount", "1", "spark.task.resource.gpu.amount", "0.25"));
    Map<String, String> conf = ExplainGpuPlansJob.explainOnly(base, gpu).conf();
    assertEquals("explainOnly", conf.get("spark.rapids.sql.mode"));
    assertEquals("ALL", conf.get("spark.rapids.sql.explain"));
    assertEquals("2", conf.get("spark.rapids.sql.concurrentGpuTasks"));
    assertEquals("true", conf.get("spark.sql.adaptive.enabled"));
    assertFalse(conf.containsKey("spark.executor.resource.gpu.amount") || conf.containsKey(
        "spark.task.resource.gpu.amount"), "local mode cannot schedule GPU resources: " + conf);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> ExplainGpuPlansJob.explainOnly(base, base));
    assertTrue(e.getMessage().contains("spark.plugins"), e.getMessage());
  }
}
