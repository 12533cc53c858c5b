package dev.recsys.pipelines.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.recsys.features.config.SplitConfig;
import org.junit.jupiter.api.Test;

class QualityBenchmarkTest {

  @Test
  void thePerUserHoldoutKeepsTheIssueKeysAndTheGlobalSplitGetsItsOwn() {
    assertEquals("quality.ml100k",
        QualityBenchmark.keyPrefix("../shared/data/ml-100k", SplitConfig.Mode.USER_FRACTION));
    assertEquals("quality.ml100k_global", QualityBenchmark.keyPrefix("/data/ml-100k/", SplitConfig.Mode.FRACTION));
    assertEquals("quality.ml1m_days", QualityBenchmark.keyPrefix("ml-1m", SplitConfig.Mode.DAYS));
  }
}
