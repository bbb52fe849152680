package io.perfkit.pool.batch;

import io.perfkit.core.memory.MappedLog;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The producer JVM of {@link BatcherJournalTest}: offers ids 0, 1, 2, ... to a journaled batcher
 * whose processor appends each processed id to a file (flushed before the batch returns), and
 * prints "ack id" after each accepted offer. The parent kills it with SIGKILL mid-stream.
 */
public final class JournalChild {
  private JournalChild() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Path processedFile = Path.of(args[1]);
    try (MappedLog log = BatcherJournalTest.openLog(dir);
        FileOutputStream processedOut = new FileOutputStream(processedFile.toFile(), true)) {
      PrintStream processed = new PrintStream(processedOut, false, StandardCharsets.US_ASCII);
      Batcher<Long> batcher = Batcher.<Long>newBuilder()
          .maxBatchSize(32)
          .journal(log, BatcherJournalTest.LONGS)
          .build(batch -> {
            Thread.sleep(1); // slow sink: a backlog builds up in the journal
            for (long id : batch) {
              processed.println(id);
            }
            processed.flush();
          });
      PrintStream out = System.out;
      for (long id = 0; ; id++) {
        batcher.put(id);
        out.println("ack " + id);
        out.flush();
        if (id % 64 == 0) {
          Thread.sleep(1);
        }
      }
    }
  }
}
