package dev.recsys.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ServingBenchmarkTest {

  private static final String WRK = """
      Running 20s test @ http://127.0.0.1:40123
        2 threads and 2 connections
        Thread Stats   Avg      Stdev     Max   +/- Stdev
          Latency     2.31ms    1.20ms  40.11ms   91.02%
        Latency Distribution
           50%    2.04ms
           75%    2.50ms
           90%    3.10ms
           99%  843.00us
        15893 requests in 20.00s, 12.01MB read
        Non-2xx or 3xx responses: 3
      Requests/sec:    794.66
      Transfer/sec:    614.90KB
      """;

  @Test
  void readsPercentilesRateAndErrorsFromWrk() {
    ServingBenchmark.Run run = ServingBenchmark.parse(2, WRK);
    assertEquals(2.04, run.p50Ms(), 1e-9);
    assertEquals(0.843, run.p99Ms(), 1e-9);
    assertEquals(794.66, run.rps(), 1e-9);
    assertEquals(3, run.non2xx());
  }

  @Test
  void refusesWrkOutputWithoutFigures() {
    assertThrows(IllegalStateException.class, () -> ServingBenchmark.parse(2, "unable to connect to 127.0.0.1"));
  }

  @Test
  void namesSizesByPowerOfTen() {
    assertEquals("items_1e6", ServingBenchmark.sizeKey(1_000_000));
    assertEquals("items_1e5", ServingBenchmark.sizeKey(100_000));
    assertEquals("items_250000", ServingBenchmark.sizeKey(250_000));
  }

  @Test
  void stageHistogramsAreTheDifferenceOfTwoScrapes() {
    ServingMetrics metrics = new ServingMetrics();
    metrics.stage("rank", 400_000);
    String before = metrics.scrape();
    for (int i = 0; i < 98; i++) {
      metrics.stage("rank", 2_000_000); // 2 ms: the 2.5 ms bucket
    }
    metrics.stage("rank", 20_000_000);
    metrics.stage("rank", 20_000_000); // 20 ms: the 25 ms bucket
    Map<String, ServingBenchmark.StageHistogram> stages = ServingBenchmark.stages(before, metrics.scrape());
    ServingBenchmark.StageHistogram rank = stages.get("rank");
    assertEquals(100, rank.count(), 1e-9);
    assertEquals((98 * 2.0 + 2 * 20.0) / 100, rank.meanMs(), 1e-6);
    assertEquals(2.5, rank.quantileBoundMs(0.5), 1e-9);
    assertEquals(25, rank.quantileBoundMs(0.99), 1e-9);
  }
}
