package io.perfkit.bench.cache.redis;

import java.io.File;
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
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} started for one benchmark trial on a free loopback port, without persistence,
 * in its own temporary directory. Install the server with {@code bash scripts/ensure-redis.sh}.
 */
final class RedisProcess {
  private final Process process;
  private final Path dir;
  private final int port;

  private RedisProcess(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  /** Starts a server and waits until it answers PING. */
  static RedisProcess start() throws IOException, InterruptedException {
    Path binary = findRedisServer();
    if (binary == null) {
      throw new IllegalStateException("*** the Redis benchmarks need redis-server (not found on the PATH): "
          + "run `bash scripts/ensure-redis.sh` first ***");
    }
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path dir = Files.createTempDirectory("perfkit-redis-bench-");
    Process process = new ProcessBuilder(binary.toString(), "--port", Integer.toString(port), "--bind",
        "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--logfile",
        dir.resolve("log").toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("out").toFile()).start();
    RedisProcess redis = new RedisProcess(process, dir, port);
    try {
      redis.awaitPing();
    } catch (RuntimeException | InterruptedException e) {
      redis.stop();
      throw e;
    }
    return redis;
  }

  /** The loopback port. */
  int port() {
    return port;
  }

  /** Kills the server and deletes its directory. */
  void stop() throws IOException, InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static Path findRedisServer() {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
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

  private void awaitPing() throws InterruptedException {
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
