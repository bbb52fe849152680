package io.perfkit.bench.autoscale;

import io.perfkit.balance.autoscale.LoadHistory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * A load trace read from a CSV file with the header {@code timestamp,value}: timestamps
 * {@code yyyy-MM-dd HH:mm:ss} (no zone; read as-is), decimal values. A missing final newline is
 * fine. Rows must be strictly increasing in time with finite, non-negative values
 * ({@link LoadHistory#of} checks and names any offending row).
 */
record Trace(String name, LoadHistory history) {
  private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  static Trace read(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    if (lines.isEmpty() || !lines.get(0).trim().equalsIgnoreCase("timestamp,value")) {
      throw new IllegalArgumentException(file + ": header " + (lines.isEmpty() ? "<empty>"
          : lines.get(0)) + " (expected: timestamp,value)");
    }
    long[] t = new long[lines.size() - 1];
    double[] v = new double[lines.size() - 1];
    int n = 0;
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty()) {
        continue;
      }
      int comma = line.indexOf(',');
      if (comma < 0) {
        throw new IllegalArgumentException(file + ": line " + (i + 1) + ": " + line
            + " (expected: timestamp,value)");
      }
      try {
        t[n] = LocalDateTime.parse(line.substring(0, comma).trim(), FORMAT)
            .toEpochSecond(ZoneOffset.UTC);
        v[n] = Double.parseDouble(line.substring(comma + 1).trim());
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(file + ": line " + (i + 1) + ": " + line + " ("
            + e.getMessage() + ")", e);
      }
      n++;
    }
    String name = file.getFileName().toString().replaceFirst("\\.csv$", "");
    return new Trace(name, LoadHistory.of(java.util.Arrays.copyOf(t, n), java.util.Arrays.copyOf(v, n)));
  }
}
