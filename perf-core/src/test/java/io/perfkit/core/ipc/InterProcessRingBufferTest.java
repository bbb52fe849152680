package io.perfkit.core.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.perfkit.core.memory.MappedFile;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Two JVMs exchange messages through a ring buffer in a mapped file. */
final class InterProcessRingBufferTest {

  @Test
  @Timeout(60)
  void secondJvmProduces_thisJvmConsumes_exactlyOnceInOrderPerProducer(@TempDir Path dir)
      throws Exception {
    int producers = 2;
    int count = 50_000;
    Path path = dir.resolve("ring");
    try (MappedFile file =
        MappedFile.create(path, 64 * 1024 + RingBufferDescriptor.TRAILER_LENGTH)) {
      ManyToOneRingBuffer ring = new ManyToOneRingBuffer(file.region(0, (int) file.size()));
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
          RingBufferProducerMain.class.getName(), path.toString(),
          Integer.toString(producers), Integer.toString(count))
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      try {
        long[] next = new long[producers];
        int[] errors = {0};
        long received = 0;
        long total = (long) producers * count;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
        while (received < total && System.nanoTime() < deadline) {
          int n = ring.read((type, buffer, index, length) -> {
            int id = buffer.getInt(index);
            long seq = buffer.getLong(index + 4);
            if (type != 7 || id < 0 || id >= producers || seq != next[id]
                || length != 12 + id * 5) {
              errors[0]++;
              return;
            }
            next[id]++;
          }, 1000);
          received += n;
          if (n == 0) {
            if (!child.isAlive() && ring.size() == 0) {
              break;
            }
            Thread.onSpinWait();
          }
        }
        assertTrue(child.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, child.exitValue());
        assertEquals(0, errors[0]);
        for (int p = 0; p < producers; p++) {
          assertEquals(count, next[p], "producer " + p);
        }
        assertEquals(total, received);
      } finally {
        child.destroyForcibly();
      }
    }
  }
}
