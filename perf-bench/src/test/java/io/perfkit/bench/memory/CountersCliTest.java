package io.perfkit.bench.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.perfkit.core.ipc.CountersDescriptor;
import io.perfkit.core.ipc.CountersManager;
import io.perfkit.core.memory.MappedFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class CountersCliTest {

  @Test
  void printsLiveCounters(@TempDir Path dir) throws Exception {
    Path path = dir.resolve("counters");
    try (MappedFile file = MappedFile.create(path, CountersDescriptor.requiredLength(4))) {
      CountersManager manager = new CountersManager(file.region(0, (int) file.size()));
      manager.allocate("requests").getAndAdd(42);
      manager.allocate("freed").close();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int status = CountersCli.run(new String[] {path.toString(), "--count", "2",
          "--interval-ms", "1"}, new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8));
      String text = out.toString(StandardCharsets.UTF_8);
      assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
      assertTrue(text.matches("(?s).*\\s0\\s+0\\s+42  requests\\n.*"), text);
      assertTrue(!text.contains("freed"), text);
      assertEquals(2, text.split("1 live").length - 1, text);
    }
  }

  @Test
  void badArgumentsAndFiles(@TempDir Path dir) throws Exception {
    PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    assertEquals(2, CountersCli.run(new String[0], sink, sink));
    assertEquals(2, CountersCli.run(new String[] {"a", "--bogus"}, sink, sink));
    assertEquals(1, CountersCli.run(new String[] {dir.resolve("missing").toString()}, sink, sink));
    Path junk = dir.resolve("junk");
    Files.write(junk, new byte[4096]);
    assertEquals(1, CountersCli.run(new String[] {junk.toString()}, sink, sink));
  }
}
