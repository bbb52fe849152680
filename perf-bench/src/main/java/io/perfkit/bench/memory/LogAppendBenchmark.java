package io.perfkit.bench.memory;

import io.perfkit.core.memory.MappedLog;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Appends framed records (length + CRC32C + payload, as a crash-safe log needs) to a file:
 * perfkit's {@link MappedLog} (mapped, preallocated segments) against {@code FileChannel.write} of
 * a heap buffer and {@code RandomAccessFile.write}, optionally forcing to the device every
 * {@code forceEvery} records (0 = never). The score is records per second; multiply by
 * {@code recordSize} for payload bytes per second. Files are capped at 256 MiB (the peers rewind,
 * the log deletes consumed segments) so the benchmark's disk use stays bounded.
 *
 * <pre>
 * java -cp perf-bench/target/benchmarks.jar org.openjdk.jmh.Main LogAppendBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@State(Scope.Thread)
public class LogAppendBenchmark {
  private static final long CAP = 256L << 20;

  @Param({"perfkit", "filechannel", "raf"})
  public String impl;

  @Param({"64", "1024"})
  public int recordSize;

  @Param({"0", "64"})
  public int forceEvery;

  private Path dir;
  private Appender appender;
  private byte[] payload;
  private long appended;

  /** One implementation under test. */
  abstract static class Appender {
    abstract void append(byte[] payload) throws IOException;

    abstract void force() throws IOException;

    abstract void close() throws IOException;
  }

  static final class LogAppender extends Appender {
    private final MappedLog log;

    LogAppender(Path dir) throws IOException {
      log = MappedLog.newBuilder(dir).open();
    }

    @Override
    void append(byte[] payload) throws IOException {
      log.append(payload);
      if (log.endPosition() - log.processedPosition() > CAP) {
        log.markProcessed(log.endPosition());
      }
    }

    @Override
    void force() {
      log.force();
    }

    @Override
    void close() throws IOException {
      log.close();
    }
  }

  static final class ChannelAppender extends Appender {
    private final FileChannel channel;
    private final CRC32C crc = new CRC32C();
    private ByteBuffer frame = ByteBuffer.allocate(0);

    ChannelAppender(Path file) throws IOException {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }

    @Override
    void append(byte[] payload) throws IOException {
      int length = 8 + payload.length;
      if (frame.capacity() < length) {
        frame = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
      }
      crc.reset();
      crc.update(payload, 0, payload.length);
      frame.clear();
      frame.putInt(length).putInt((int) crc.getValue()).put(payload).flip();
      while (frame.hasRemaining()) {
        channel.write(frame);
      }
      if (channel.position() > CAP) {
        channel.position(0);
      }
    }

    @Override
    void force() throws IOException {
      channel.force(false);
    }

    @Override
    void close() throws IOException {
      channel.close();
    }
  }

  static final class RafAppender extends Appender {
    private final RandomAccessFile file;
    private final CRC32C crc = new CRC32C();
    private byte[] frame = new byte[0];
    private ByteBuffer view = ByteBuffer.wrap(frame);

    RafAppender(Path path) throws IOException {
      file = new RandomAccessFile(path.toFile(), "rw");
    }

    @Override
    void append(byte[] payload) throws IOException {
      int length = 8 + payload.length;
      if (frame.length < length) {
        frame = new byte[length];
        view = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
      }
      crc.reset();
      crc.update(payload, 0, payload.length);
      view.putInt(0, length).putInt(4, (int) crc.getValue());
      System.arraycopy(payload, 0, frame, 8, payload.length);
      file.write(frame, 0, length);
      if (file.getFilePointer() > CAP) {
        file.seek(0);
      }
    }

    @Override
    void force() throws IOException {
      file.getFD().sync();
    }

    @Override
    void close() throws IOException {
      file.close();
    }
  }

  @Setup(Level.Trial)
  public void setup() throws IOException {
    dir = Files.createTempDirectory("perfkit-log-bench");
    payload = new byte[recordSize];
    for (int i = 0; i < recordSize; i++) {
      payload[i] = (byte) i;
    }
    switch (impl) {
      case "perfkit":
        appender = new LogAppender(dir.resolve("log"));
        break;
      case "filechannel":
        appender = new ChannelAppender(dir.resolve("data"));
        break;
      case "raf":
        appender = new RafAppender(dir.resolve("data"));
        break;
      default:
        throw new IllegalArgumentException("impl: " + impl);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    appender.close();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }

  @Benchmark
  public void append() throws IOException {
    appender.append(payload);
    if (forceEvery > 0 && ++appended % forceEvery == 0) {
      appender.force();
    }
  }
}
