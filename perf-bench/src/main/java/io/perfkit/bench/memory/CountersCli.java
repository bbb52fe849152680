package io.perfkit.bench.memory;

import io.perfkit.core.ipc.CountersReader;
import io.perfkit.core.memory.MappedFile;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;

/**
 * Prints the live counters of a perfkit shared counters file (a region written by
 * {@link io.perfkit.core.ipc.CountersManager}), once or every second, while its owner runs. Opens
 * the file read-only; the owner is never blocked.
 *
 * <pre>
 * counters PATH [--watch] [--interval-ms N] [--count N]
 * </pre>
 */
public final class CountersCli {
  private CountersCli() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the tool; returns the exit status (0 ok, 1 bad file, 2 usage). */
  static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
    Path path = null;
    boolean watch = false;
    long intervalMs = 1000;
    long count = Long.MAX_VALUE;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--watch":
            watch = true;
            break;
          case "--interval-ms":
            intervalMs = Long.parseLong(args[++i]);
            watch = true;
            break;
          case "--count":
            count = Long.parseLong(args[++i]);
            watch = true;
            break;
          default:
            if (args[i].startsWith("--") || path != null) {
              throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
            path = Path.of(args[i]);
        }
      }
      if (path == null || intervalMs <= 0 || count <= 0) {
        throw new IllegalArgumentException("missing PATH, or a non-positive number");
      }
    } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
      err.println("usage: counters PATH [--watch] [--interval-ms N] [--count N]");
      err.println(e.getMessage());
      return 2;
    }
    try (MappedFile file = MappedFile.open(path, MappedFile.Mode.READ_ONLY)) {
      if (file.size() > MappedFile.DEFAULT_CHUNK_SIZE) {
        err.println(path + ": too large for a counters file (" + file.size() + " bytes)");
        return 1;
      }
      CountersReader reader = new CountersReader(file.region(0, (int) file.size()));
      long printed = 0;
      do {
        if (printed > 0) {
          Thread.sleep(intervalMs);
        }
        print(reader, out, path);
        printed++;
      } while (watch && printed < count);
      return 0;
    } catch (IOException | IllegalArgumentException e) {
      err.println(path + ": " + e.getMessage());
      return 1;
    }
  }

  private static void print(CountersReader reader, PrintStream out, Path path) {
    out.printf(Locale.US, "%s  %s  (max %d counters)%n", Instant.now(), path,
        reader.maxCounters());
    out.printf(Locale.US, "%6s %8s %20s  %s%n", "id", "type", "value", "label");
    int[] live = {0};
    reader.forEach((id, typeId, label, value) -> {
      out.printf(Locale.US, "%6d %8d %20d  %s%n", id, typeId, value, label);
      live[0]++;
    });
    out.printf(Locale.US, "%d live%n%n", live[0]);
    out.flush();
  }
}
