package io.perfkit.cache;

import com.google.common.collect.testing.ConcurrentMapTestSuiteBuilder;
import com.google.common.collect.testing.TestStringMapGenerator;
import com.google.common.collect.testing.features.CollectionFeature;
import com.google.common.collect.testing.features.CollectionSize;
import com.google.common.collect.testing.features.MapFeature;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import junit.framework.Test;
import junit.framework.TestCase;
import junit.framework.TestSuite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Guava testlib's {@code ConcurrentMapTestSuiteBuilder} against {@link TieredCache#asMap()}, as
 * Caffeine tests its {@code asMap()}: a cache whose L1 holds one entry (so the others live off heap,
 * and every operation crosses tiers; L1-only behaviour is the degenerate case), and the same under
 * write-through. The JUnit 3 suites run as JUnit 5 dynamic tests.
 */
final class TieredCacheMapTestlibTest {
  private static final List<TieredCache<String, String>> CREATED =
      Collections.synchronizedList(new ArrayList<>());

  @AfterAll
  static void closeCaches() {
    synchronized (CREATED) {
      CREATED.forEach(TieredCache::close);
      CREATED.clear();
    }
  }

  @TestFactory
  Stream<DynamicNode> acrossHeapAndOffHeap() {
    return suite("acrossHeapAndOffHeap", () -> TieredCache.newBuilder().maximumSize(1)
        .offHeapMaximumSize(64).offHeapMaximumEntryBytes(64)
        .keySerializer(Serializer.string()).valueSerializer(Serializer.string())
        .executor(Runnable::run).build());
  }

  @TestFactory
  Stream<DynamicNode> writeThroughAcrossTiers() {
    Map<String, String> store = new ConcurrentHashMap<>();
    CacheWriter<String, String> writer = new CacheWriter<>() {
      @Override
      public void write(String key, String value) {
        store.put(key, value);
      }

      @Override
      public void delete(String key) {
        store.remove(key);
      }
    };
    return suite("writeThroughAcrossTiers", () -> TieredCache.newBuilder().maximumSize(1)
        .offHeapMaximumSize(64).offHeapMaximumEntryBytes(64)
        .keySerializer(Serializer.string()).valueSerializer(Serializer.string())
        .executor(Runnable::run).writeThrough(writer).build());
  }

  private static Stream<DynamicNode> suite(String name, Supplier<TieredCache<String, String>> caches) {
    List<TieredCache<String, String>> mine = new ArrayList<>(1);
    TestSuite suite = ConcurrentMapTestSuiteBuilder.using(new TestStringMapGenerator() {
          @Override
          protected Map<String, String> create(Map.Entry<String, String>[] entries) {
            // One cache per suite, emptied for each map the suite asks for: each L2 reserves a
            // direct-memory slab, and allocating thousands of them would dominate the run.
            TieredCache<String, String> cache;
            synchronized (mine) {
              if (mine.isEmpty()) {
                mine.add(caches.get());
                CREATED.add(mine.get(0));
              }
              cache = mine.get(0);
            }
            cache.invalidateAll();
            Map<String, String> map = cache.asMap();
            for (Map.Entry<String, String> entry : entries) {
              map.put(entry.getKey(), entry.getValue());
            }
            return map;
          }
        })
        .named(name)
        .withFeatures(CollectionSize.ANY, MapFeature.GENERAL_PURPOSE,
            MapFeature.ALLOWS_NULL_ENTRY_QUERIES, CollectionFeature.SUPPORTS_ITERATOR_REMOVE)
        .createTestSuite();
    return Stream.of(toDynamic(suite));
  }

  private static DynamicNode toDynamic(Test test) {
    if (test instanceof TestSuite suite) {
      return DynamicContainer.dynamicContainer(String.valueOf(suite.getName()),
          Collections.list(suite.tests()).stream().map(TieredCacheMapTestlibTest::toDynamic));
    }
    TestCase testCase = (TestCase) test;
    return DynamicTest.dynamicTest(testCase.getName(), testCase::runBare);
  }
}
