package io.perfkit.bench.pool.resource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.perfkit.pool.resource.Lease;
import io.perfkit.pool.resource.ResourcePool;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericObjectPool;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Borrow + return of a JDBC connection to an embedded in-memory H2 database, pool size 4:
 * perfkit's {@link ResourcePool} ({@code perfkit}) against Commons Pool2's
 * {@link GenericObjectPool} ({@code commons-pool2}) and HikariCP's {@code getConnection()/close()}
 * ({@code hikaricp}). Each borrower reads {@code getAutoCommit()} once, so the connection is really
 * handed over. {@code borrowReturn1} runs 1 thread, {@code borrowReturn2} 2 threads.
 *
 * <p>Run: {@code java -jar perf-bench/target/benchmarks.jar ResourcePoolBenchmark}
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Benchmark)
public class ResourcePoolBenchmark {
  private static final int POOL_SIZE = 4;

  @Param({"perfkit", "commons-pool2", "hikaricp"})
  public String impl;

  private String url;
  private ResourcePool<Connection> perfkit;
  private GenericObjectPool<Connection> commons;
  private HikariDataSource hikari;
  private Connection keepAlive;
  private Borrower borrower;

  /** One borrow + use + return, bound to the implementation in setup. */
  @FunctionalInterface
  private interface Borrower {
    boolean borrowReturn() throws Exception;
  }

  @Setup(Level.Trial)
  public void setup() throws Exception {
    url = "jdbc:h2:mem:bench" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
    keepAlive = DriverManager.getConnection(url);
    switch (impl) {
      case "perfkit" -> perfkit = ResourcePool.<Connection>newBuilder()
          .factory(() -> DriverManager.getConnection(url))
          .destroyer(ResourcePoolBenchmark::closeQuietly)
          .maxSize(POOL_SIZE).minIdle(POOL_SIZE)
          .borrowTimeout(Duration.ofSeconds(30))
          .build();
      case "commons-pool2" -> {
        commons = new GenericObjectPool<>(new BasePooledObjectFactory<>() {
          @Override
          public Connection create() throws SQLException {
            return DriverManager.getConnection(url);
          }

          @Override
          public PooledObject<Connection> wrap(Connection c) {
            return new DefaultPooledObject<>(c);
          }

          @Override
          public void destroyObject(PooledObject<Connection> p) throws SQLException {
            p.getObject().close();
          }
        });
        commons.setMaxTotal(POOL_SIZE);
        commons.setMinIdle(POOL_SIZE);
        commons.setMaxIdle(POOL_SIZE);
        commons.preparePool();
      }
      case "hikaricp" -> {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(POOL_SIZE);
        config.setConnectionTimeout(30_000);
        hikari = new HikariDataSource(config);
      }
      default -> throw new IllegalArgumentException("impl: " + impl);
    }
    if (perfkit != null) {
      perfkit.housekeep(); // create minIdle connections up front, as the peers do
    }
    borrower = switch (impl) {
      case "perfkit" -> () -> {
        try (Lease<Connection> lease = perfkit.borrow()) {
          return lease.get().getAutoCommit();
        }
      };
      case "commons-pool2" -> () -> {
        Connection c = commons.borrowObject();
        try {
          return c.getAutoCommit();
        } finally {
          commons.returnObject(c);
        }
      };
      default -> () -> {
        try (Connection c = hikari.getConnection()) {
          return c.getAutoCommit();
        }
      };
    };
  }

  @TearDown(Level.Trial)
  public void tearDown() throws SQLException {
    if (perfkit != null) {
      perfkit.close();
    }
    if (commons != null) {
      commons.close();
    }
    if (hikari != null) {
      hikari.close();
    }
    keepAlive.close();
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // closing an in-memory connection cannot usefully fail here
    }
  }

  @Benchmark
  @Threads(1)
  public boolean borrowReturn1() throws Exception {
    return borrower.borrowReturn();
  }

  @Benchmark
  @Threads(2)
  public boolean borrowReturn2() throws Exception {
    return borrower.borrowReturn();
  }
}
