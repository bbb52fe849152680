package io.perfkit.bench.cache.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.perfkit.cache.internal.RedisTier;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * Loopback GET latency of a 100-byte value: through perfkit's Redis tier ({@code impl=perfkit}: key prefixing,
 * counters, failure handling) vs Lettuce's synchronous API directly ({@code impl=lettuce}, the same
 * {@code byte[]} codec and key). The benchmark starts its own {@code redis-server} on a free loopback port
 * (install it with {@code bash scripts/ensure-redis.sh}); without one it fails at setup with a message
 * saying so.
 *
 * <pre>
 * java -cp perf-bench/target/benchmarks.jar org.openjdk.jmh.Main 'cache.redis.RedisGetBenchmark' \
 *     -f 3 -wi 3 -i 5 -w 2s -r 2s
 * </pre>
 *
 * Both impls share one redis-server per fork, so the server's own time (the bulk of a loopback round trip)
 * is the same on both sides and the ratio isolates the client-side overhead.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(3)
public class RedisGetBenchmark {

  @Param({"perfkit", "lettuce"})
  String impl;

  private Process server;
  private Path dir;
  private RedisTier tier;
  private RedisClient client;
  private ClientResources resources;
  private StatefulRedisConnection<byte[], byte[]> connection;
  private RedisCommands<byte[], byte[]> sync;
  private final byte[] key = "bench-key-00000042".getBytes(StandardCharsets.UTF_8);
  /** The same key with the tier's prefix, so both impls read the same Redis key. */
  private final byte[] prefixedKey = "pk:bench:bench-key-00000042".getBytes(StandardCharsets.UTF_8);

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    Path binary = findRedisServer();
    if (binary == null) {
      throw new IllegalStateException("*** RedisGetBenchmark needs redis-server (not found on the PATH): "
          + "run `bash scripts/ensure-redis.sh` first ***");
    }
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    dir = Files.createTempDirectory("perfkit-redis-bench-");
    server = new ProcessBuilder(binary.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--logfile", dir.resolve("log").toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("out").toFile()).start();
    awaitPing(port);
    byte[] value = new byte[100];
    switch (impl) {
      case "perfkit" -> {
        tier = RedisTier.newBuilder("127.0.0.1", port, "bench").timeout(Duration.ofSeconds(2)).build();
        if (!tier.put(key, value)) {
          throw new IllegalStateException("put failed: " + tier.stats());
        }
      }
      case "lettuce" -> {
        // The tier's thread configuration (2 I/O threads, 2 computation threads: Lettuce's minimum),
        // so that only the tier's own per-call work differs.
        resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
        client = RedisClient.create(resources, RedisURI.create("127.0.0.1", port));
        connection = client.connect(ByteArrayCodec.INSTANCE);
        connection.setTimeout(Duration.ofSeconds(2));
        sync = connection.sync();
        sync.set(prefixedKey, value);
      }
      default -> throw new IllegalArgumentException("impl: " + impl);
    }
  }

  @Benchmark
  public byte[] get() {
    return tier != null ? tier.get(key) : sync.get(prefixedKey);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    if (tier != null) {
      long failures = tier.stats().readFailures();
      tier.close();
      if (failures != 0) {
        throw new IllegalStateException(failures + " reads failed: the result measures failures, not GETs");
      }
    }
    if (connection != null) {
      connection.close();
      client.shutdown(0, 2, TimeUnit.SECONDS);
      resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
    server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static Path findRedisServer() {
    for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, "redis-server"))) {
        return Path.of(d, "redis-server");
      }
    }
    for (String d : List.of("/usr/bin", "/usr/sbin", "/usr/local/bin")) {
      if (Files.isExecutable(Path.of(d, "redis-server"))) {
        return Path.of(d, "redis-server");
      }
    }
    return null;
  }

  private static void awaitPing(int port) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
        OutputStream out = s.getOutputStream();
        out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[5];
        if (in.readNBytes(buf, 0, 5) == 5 && "+PONG".equals(new String(buf, StandardCharsets.US_ASCII))) {
          return;
        }
      } catch (IOException e) {
        // not up yet
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("redis-server on port " + port + " did not answer PING within 10 s");
  }
}
