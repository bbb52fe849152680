package io.perfkit.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class RatioTableTest {

  private static BenchResult result(String bench, String mode, String impl, String size, double score) {
    return new BenchResult(bench, mode, 2, Map.of("impl", impl, "size", size), score, 0.1, "ops/us");
  }

  @Test
  void ratios_throughput_higherIsBetter() {
    List<RatioTable.Ratio> ratios = RatioTable.ratios(List.of(
        result("a.B.m", "thrpt", "perfkit", "10", 30),
        result("a.B.m", "thrpt", "abq", "10", 10),
        result("a.B.m", "thrpt", "jctools", "10", 60)));
    assertEquals(2, ratios.size());
    assertEquals("abq", ratios.get(0).peer().impl());
    assertEquals(3.0, ratios.get(0).speedup(), 1e-12);
    assertEquals(0.5, ratios.get(1).speedup(), 1e-12);
  }

  @Test
  void ratios_averageTime_lowerIsBetter() {
    List<RatioTable.Ratio> ratios = RatioTable.ratios(List.of(
        result("a.B.m", "avgt", "perfkit", "10", 20),
        result("a.B.m", "avgt", "stormpot", "10", 40)));
    assertEquals(1, ratios.size());
    assertEquals(2.0, ratios.get(0).speedup(), 1e-12);
  }

  @Test
  void ratios_onlyWithinTheSameGroup() {
    List<RatioTable.Ratio> ratios = RatioTable.ratios(List.of(
        result("a.B.m", "thrpt", "perfkit", "10", 30),
        result("a.B.m", "thrpt", "abq", "1000", 10),
        result("a.B.other", "thrpt", "abq", "10", 10),
        result("a.B.m", "avgt", "abq", "10", 10)));
    assertTrue(ratios.isEmpty(), ratios::toString);
  }

  @Test
  void ratios_everyPerfkitVariantAgainstEveryPeer() {
    List<RatioTable.Ratio> ratios = RatioTable.ratios(List.of(
        result("a.B.m", "thrpt", "perfkit", "10", 30),
        result("a.B.m", "thrpt", "perfkit-own", "10", 40),
        result("a.B.m", "thrpt", "abq", "10", 10),
        result("a.B.m", "thrpt", "lbq", "10", 20)));
    assertEquals(4, ratios.size());
  }

  @Test
  void markdown_listsRatiosAndAllResults() {
    String md = RatioTable.markdown(List.of(
        result("io.perfkit.bench.q.QBenchmark.run", "thrpt", "perfkit", "10", 30),
        result("io.perfkit.bench.q.QBenchmark.run", "thrpt", "abq", "10", 10),
        new BenchResult("io.perfkit.bench.q.Plain.run", "avgt", 1, Map.of(), 5, Double.NaN, "ns/op")));
    assertTrue(md.contains("| q.QBenchmark.run | size=10 | 2 | perfkit | abq | 30.00 ops/us | 10.00 ops/us | 3.00× |"), md);
    assertTrue(md.contains("| q.Plain.run | avgt | 1 |  | 5.00 |  | ns/op |"), md);
  }

  @Test
  void markdown_noComparableResults() {
    String md = RatioTable.markdown(List.of());
    assertTrue(md.contains("No benchmark with an `impl` parameter ran."), md);
  }
}
