package io.perfkit.bench.autoscale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class BacktestTest {

  /** A policy that asks for exactly the replicas the load it just saw needs. */
  private static final Backtest.Policy EXACT = (y, t, now, desired, running) ->
      (int) Math.ceil(y[t] / 10.0);

  @Test
  void simulate_stepLoad_matchesHandCount() {
    // capacity 10 per replica, target 1.0, provisioning delay 2 intervals: a scale-up decided after
    // interval t serves from interval t + 3; a scale-down takes effect at once.
    double[] y = {10, 10, 10, 50, 50, 50, 10, 10};
    BacktestResult r = Backtest.simulate("step", "exact", y, 300, 10,
        new Backtest.Options(2, 10, 1.0), EXACT);
    assertEquals(8, r.intervals());
    assertEquals(3, r.underProvisioned()); // t = 3, 4, 5 still run 1 replica
    assertEquals(12, r.replicaIntervals()); // 1 × 6 + 5 (t = 6) + 1 (t = 7)
    assertEquals(2, r.actions()); // 1 → 5 after t = 3, 5 → 1 after t = 6
    assertEquals(40, r.peakShortfall(), 1e-9);
    assertEquals(4, r.peakShortfallReplicas(), 1e-9);
  }

  @Test
  void simulate_zeroDelay_exactPolicyIsLateByOneInterval() {
    double[] y = {10, 30, 30, 10};
    BacktestResult r = Backtest.simulate("step", "exact", y, 300, 10,
        new Backtest.Options(0, 10, 1.0), EXACT);
    assertEquals(1, r.underProvisioned()); // only t = 1: the decision after t = 1 serves t = 2
    assertEquals(1 + 1 + 3 + 3, r.replicaIntervals());
  }

  @Test
  void run_anyTrace_scoresAllThreeScalersOverEveryInterval(@TempDir Path dir) throws IOException {
    StringBuilder csv = new StringBuilder("timestamp,value\n");
    for (int i = 0; i < 3 * 288; i++) { // three days of 5-minute points with a daily cycle
      int minutes = i * 5;
      double load = 100 + 80 * Math.sin(2 * Math.PI * i / 288.0);
      csv.append(String.format(java.util.Locale.US, "2024-01-%02d %02d:%02d:00,%.3f%n",
          1 + minutes / 1440, (minutes / 60) % 24, minutes % 60, load));
    }
    Path file = dir.resolve("sine.csv");
    Files.writeString(file, csv);
    List<BacktestResult> results = Backtest.run(Trace.read(file), new Backtest.Options(2, 0, 0.8));
    assertEquals(List.of("reactive (HPA)", "predictive", "queueing"),
        results.stream().map(BacktestResult::scaler).toList());
    for (BacktestResult r : results) {
      assertEquals("sine", r.trace());
      assertEquals(3 * 288, r.intervals());
      assertTrue(r.replicaIntervals() >= r.intervals(), r::toString); // at least one replica
      assertTrue(r.underProvisioned() <= r.intervals(), r::toString);
    }
  }

  @Test
  void traceRead_badHeader_namesFileAndHeader(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad.csv");
    Files.writeString(file, "time;value\n2024-01-01 00:00:00;1\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trace.read(file));
    assertTrue(e.getMessage().contains("time;value"), e.getMessage());
  }

  @Test
  void traceRead_badRow_namesTheLine(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad.csv");
    Files.writeString(file, "timestamp,value\n2024-01-01 00:00:00,1\n2024-01-01 00:05:00,abc\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trace.read(file));
    assertTrue(e.getMessage().contains("line 3"), e.getMessage());
  }
}
