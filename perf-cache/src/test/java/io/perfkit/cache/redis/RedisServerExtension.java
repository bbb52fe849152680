package io.perfkit.cache.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts a real {@code redis-server} on a free loopback port before a test class and stops it after.
 * Test methods (and constructors) receive the {@link Server} as a parameter.
 *
 * <p>When {@code redis-server} is not found (on the PATH, or in /usr/bin, /usr/sbin, /usr/local/bin): if the
 * system property {@code perfkit.redis.required} or the environment variable
 * {@code PERFKIT_REDIS_REQUIRED} is {@code true} (.ci/run sets the variable after running
 * {@code scripts/ensure-redis.sh}) the class fails; otherwise it is skipped with a loud message.
 */
public final class RedisServerExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

  static final String REQUIRED_PROPERTY = "perfkit.redis.required";
  /** Environment variable with the same meaning, so CI can require Redis without changing the command. */
  static final String REQUIRED_ENV = "PERFKIT_REDIS_REQUIRED";

  /** True when a missing redis-server must fail the tests instead of skipping them. */
  static boolean required() {
    return Boolean.getBoolean(REQUIRED_PROPERTY)
        || "true".equalsIgnoreCase(System.getenv().getOrDefault(REQUIRED_ENV, ""));
  }
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(RedisServerExtension.class);

  /** A running redis-server that the test may stop and start again (same port). */
  public static final class Server {
    private final Path binary;
    private final Path dir;
    private final int port;
    private Process process;

    Server(Path binary, Path dir, int port) {
      this.binary = binary;
      this.dir = dir;
      this.port = port;
    }

    /** The loopback port. */
    public int port() {
      return port;
    }

    /** The host to connect to. */
    public String host() {
      return "127.0.0.1";
    }

    /** Whether the process is alive. */
    public synchronized boolean isRunning() {
      return process != null && process.isAlive();
    }

    /** Starts the server (if stopped) and waits until it answers PING. */
    public synchronized void start() {
      if (isRunning()) {
        return;
      }
      ProcessBuilder pb = new ProcessBuilder(binary.toString(), "--port", Integer.toString(port),
          "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
          "--logfile", dir.resolve("redis.log").toString())
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("stdout.log").toFile());
      try {
        process = pb.start();
      } catch (IOException e) {
        throw new UncheckedIOException("could not start " + binary, e);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!ping()) {
        if (!process.isAlive()) {
          throw new IllegalStateException("redis-server exited with " + process.exitValue()
              + " on port " + port + "; log: " + readLog());
        }
        if (System.nanoTime() > deadline) {
          stop();
          throw new IllegalStateException("redis-server did not answer PING within 10 s; log: " + readLog());
        }
        try {
          Thread.sleep(20); // polling for readiness, not a timed assertion
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for redis-server", e);
        }
      }
    }

    /** Kills the server (SIGKILL: no graceful shutdown, as in a crash) and waits for it to exit. */
    public synchronized void kill() {
      if (process == null) {
        return;
      }
      process.destroyForcibly();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException("redis-server did not exit after SIGKILL");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }

    /** Freezes ({@code true}: SIGSTOP) or thaws ({@code false}: SIGCONT) the server: a hung, not dead, peer. */
    public synchronized void freeze(boolean frozen) throws IOException, InterruptedException {
      Process kill = new ProcessBuilder("kill", frozen ? "-STOP" : "-CONT", Long.toString(process.pid()))
          .inheritIO().start();
      if (kill.waitFor() != 0) {
        throw new IllegalStateException("kill " + (frozen ? "-STOP" : "-CONT") + " failed");
      }
    }

    synchronized void stop() {
      kill();
    }

    /** Sends one inline command and returns the first reply line (for test assertions, e.g. DBSIZE). */
    public String command(String inline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
        s.setSoTimeout(2000);
        OutputStream out = s.getOutputStream();
        out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        InputStream in = s.getInputStream();
        StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
          if (b != '\r') {
            sb.append((char) b);
          }
        }
        return sb.toString();
      } catch (IOException e) {
        return "-IO " + e.getMessage();
      }
    }

    private boolean ping() {
      return "+PONG".equals(command("PING"));
    }

    private String readLog() {
      try {
        Path log = dir.resolve("redis.log");
        return Files.exists(log) ? Files.readString(log) : Files.readString(dir.resolve("stdout.log"));
      } catch (IOException e) {
        return "(no log: " + e + ")";
      }
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    Path binary = findRedisServer();
    if (binary == null) {
      String msg = "redis-server not found on the PATH (nor in /usr/bin, /usr/sbin, /usr/local/bin): ";
      if (required()) {
        throw new IllegalStateException(msg + REQUIRED_PROPERTY + "=true, so the Redis tier tests of "
            + context.getDisplayName() + " must run. Install it with: bash scripts/ensure-redis.sh");
      }
      String loud = "\n*** SKIPPING " + context.getDisplayName() + ": " + msg
          + "install it with `bash scripts/ensure-redis.sh` (or set -D" + REQUIRED_PROPERTY
          + "=true to make this a failure) ***\n";
      System.err.println(loud);
      Assumptions.abort(loud);
    }
    Path dir = Files.createTempDirectory("perfkit-redis-");
    Server server = null;
    IllegalStateException last = null;
    for (int attempt = 0; attempt < 3 && server == null; attempt++) {
      Server candidate = new Server(binary, dir, freePort());
      try {
        candidate.start();
        server = candidate;
      } catch (IllegalStateException e) { // lost the free-port race: try another port
        last = e;
      }
    }
    if (server == null) {
      throw last;
    }
    context.getStore(NS).put(Server.class, server);
    context.getStore(NS).put(Path.class, dir);
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    Server server = context.getStore(NS).remove(Server.class, Server.class);
    if (server != null) {
      server.stop();
    }
    Path dir = context.getStore(NS).remove(Path.class, Path.class);
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return parameterContext.getParameter().getType() == Server.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return extensionContext.getStore(NS).get(Server.class, Server.class);
  }

  /** The redis-server binary, or null. Overridable for tests with {@code -Dperfkit.redis.server=PATH}. */
  static Path findRedisServer() {
    String override = System.getProperty("perfkit.redis.server");
    if (override != null) {
      Path p = Path.of(override);
      return Files.isExecutable(p) ? p : null;
    }
    String path = System.getenv().getOrDefault("PATH", "");
    for (String d : path.split(java.io.File.pathSeparator)) {
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

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
