package io.perfkit.core.memory;

import java.nio.file.Path;

/**
 * The child JVM of {@link MappedLogTest#killedWriter_recoversEveryAppendedRecord}: appends records
 * forever and prints "appended N" after every 500, until it is killed.
 */
public final class MappedLogWriterMain {
  private MappedLogWriterMain() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    try (MappedLog log = MappedLog.newBuilder(dir).segmentSize(64 * 1024).open()) {
      for (long i = 0; ; i++) {
        log.append(LogRecords.record(i, 300));
        if ((i + 1) % 500 == 0) {
          System.out.println("appended " + (i + 1));
          System.out.flush();
        }
      }
    }
  }
}
