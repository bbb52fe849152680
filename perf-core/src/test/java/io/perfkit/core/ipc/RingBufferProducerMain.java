package io.perfkit.core.ipc;

import io.perfkit.core.memory.MappedFile;
import io.perfkit.core.memory.MemoryBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The child JVM of {@link InterProcessRingBufferTest}: maps the ring buffer file and writes
 * {@code count} messages {producer id, sequence} from each of {@code producers} threads.
 */
public final class RingBufferProducerMain {
  private RingBufferProducerMain() {}

  public static void main(String[] args) throws Exception {
    Path path = Path.of(args[0]);
    int producers = Integer.parseInt(args[1]);
    int count = Integer.parseInt(args[2]);
    try (MappedFile file = MappedFile.open(path, MappedFile.Mode.READ_WRITE)) {
      MemoryBuffer region = file.region(0, (int) file.size());
      ManyToOneRingBuffer ring = new ManyToOneRingBuffer(region);
      List<Thread> threads = new ArrayList<>();
      for (int p = 0; p < producers; p++) {
        int id = p;
        Thread t = new Thread(() -> {
          byte[] msg = new byte[12 + id * 5];
          java.nio.ByteBuffer view =
              java.nio.ByteBuffer.wrap(msg).order(java.nio.ByteOrder.LITTLE_ENDIAN);
          view.putInt(0, id);
          for (int i = 0; i < count; i++) {
            view.putLong(4, i);
            while (!ring.write(7, msg, 0, msg.length)) {
              Thread.onSpinWait();
            }
          }
        }, "ipc-producer-" + p);
        threads.add(t);
        t.start();
      }
      for (Thread t : threads) {
        t.join();
      }
    }
    System.out.println("done");
  }
}
