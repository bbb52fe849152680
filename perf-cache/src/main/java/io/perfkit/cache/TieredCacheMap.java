package io.perfkit.cache;

import io.perfkit.core.internal.Checks;
import java.util.AbstractCollection;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The {@link ConcurrentMap} view of a {@link TieredCache}, returned by {@link TieredCache#asMap()},
 * whose Javadoc states the contract. Package-private: users see only {@code ConcurrentMap}.
 *
 * <p><b>Threading:</b> thread-safe; see {@link TieredCache#asMap()} for atomicity and iteration.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class TieredCacheMap<K, V> extends AbstractMap<K, V> implements ConcurrentMap<K, V> {
  /*
   * Every single-key write is TieredCache.update(key, fn): it claims the key's single-flight slot
   * (waiting for a running load), reads the current value from the tiers, applies fn once and then
   * puts or deletes through the cache's write policy. So compute/merge/putIfAbsent/replace/remove
   * are atomic with respect to each other and to get(key, loader) on the same key.
   *
   * Iteration walks four phases: L1's keys (Caffeine's weakly consistent iterator), a snapshot of
   * L2's keys taken when L1's are exhausted (entries that moved down from L1 meanwhile are in it),
   * L1 again (entries that moved up from L2 after the first pass) and L2 again (entries that were
   * in flight from L1 to L2 when the first snapshot was taken: Caffeine has already unlinked them,
   * L2 has not received them yet). Reads move entries only down (unless promotion is on), so an
   * entry present throughout and not written while the iteration runs is returned exactly once. An
   * entry that moves up and down again while one iteration runs can be missed: with promotion, or
   * when it is written meanwhile (a put of a key held in L2 may enter L1 through the L1 gate). Keys already returned are remembered, so none is returned
   * twice; values are read when the iterator reaches the key (TieredCache.peek, under L1's lock for
   * the key when L1 misses), and a key removed by then is skipped.
   */

  private final TieredCache<K, V> cache;

  TieredCacheMap(TieredCache<K, V> cache) {
    this.cache = cache;
  }

  @SuppressWarnings("unchecked") // only used for lookups: a key of another type is simply absent
  private static <K> K castKey(Object key) {
    return (K) key;
  }

  @Override
  public V get(Object key) {
    Checks.requireNonNull(key, "key");
    try {
      return cache.peek(castKey(key));
    } catch (ClassCastException wrongType) {
      return null; // a serializer of K was handed a key of another type
    }
  }

  @Override
  public boolean containsKey(Object key) {
    return get(key) != null;
  }

  @Override
  public boolean containsValue(Object value) {
    Checks.requireNonNull(value, "value");
    return super.containsValue(value);
  }

  @Override
  public V put(K key, V value) {
    Checks.requireNonNull(key, "key");
    Checks.requireNonNull(value, "value");
    List<V> previous = new ArrayList<>(1);
    cache.update(key, (k, current) -> {
      previous.add(current);
      return value;
    });
    return previous.get(0);
  }

  @Override
  public V putIfAbsent(K key, V value) {
    Checks.requireNonNull(key, "key");
    Checks.requireNonNull(value, "value");
    List<V> previous = new ArrayList<>(1);
    cache.update(key, (k, current) -> {
      previous.add(current);
      return current == null ? value : current;
    });
    return previous.get(0);
  }

  @Override
  public V remove(Object key) {
    Checks.requireNonNull(key, "key");
    if (get(key) == null) {
      return null; // also rejects keys of another type before they reach the serializers
    }
    List<V> previous = new ArrayList<>(1);
    cache.update(castKey(key), (k, current) -> {
      previous.add(current);
      return null;
    });
    return previous.get(0);
  }

  @Override
  public boolean remove(Object key, Object value) {
    Checks.requireNonNull(key, "key");
    if (value == null || get(key) == null) {
      return false;
    }
    boolean[] removed = new boolean[1];
    cache.update(castKey(key), (k, current) -> {
      removed[0] = current != null && current.equals(value);
      return removed[0] ? null : current;
    });
    return removed[0];
  }

  @Override
  public boolean replace(K key, V oldValue, V newValue) {
    Checks.requireNonNull(key, "key");
    Checks.requireNonNull(oldValue, "oldValue");
    Checks.requireNonNull(newValue, "newValue");
    boolean[] replaced = new boolean[1];
    cache.update(key, (k, current) -> {
      replaced[0] = current != null && current.equals(oldValue);
      return replaced[0] ? newValue : current;
    });
    return replaced[0];
  }

  @Override
  public V replace(K key, V value) {
    Checks.requireNonNull(key, "key");
    Checks.requireNonNull(value, "value");
    List<V> previous = new ArrayList<>(1);
    cache.update(key, (k, current) -> {
      previous.add(current);
      return current == null ? null : value;
    });
    return previous.get(0);
  }

  @Override
  public V computeIfAbsent(K key, Function<? super K, ? extends V> mappingFunction) {
    Checks.requireNonNull(key, "key");
    Checks.requireNonNull(mappingFunction, "mappingFunction");
    V present = get(key);
    if (present != null) {
      return present; // the common case: no claim of the key's slot
    }
    return cache.update(key, (k, current) -> current != null ? current : mappingFunction.apply(k));
  }

  @Override
  public V computeIfPresent(K key,
      BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
    Checks.requireNonNull(key, "key");
    Checks.requireNonNull(remappingFunction, "remappingFunction");
    if (get(key) == null) {
      return null;
    }
    return cache.update(key,
        (k, current) -> current == null ? null : remappingFunction.apply(k, current));
  }

  @Override
  public V compute(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
    Checks.requireNonNull(key, "key");
    Checks.requireNonNull(remappingFunction, "remappingFunction");
    return cache.update(key, remappingFunction);
  }

  @Override
  public V merge(K key, V value,
      BiFunction<? super V, ? super V, ? extends V> remappingFunction) {
    Checks.requireNonNull(key, "key");
    Checks.requireNonNull(value, "value");
    Checks.requireNonNull(remappingFunction, "remappingFunction");
    return cache.update(key,
        (k, current) -> current == null ? value : remappingFunction.apply(current, value));
  }

  @Override
  public void replaceAll(BiFunction<? super K, ? super V, ? extends V> function) {
    Checks.requireNonNull(function, "function");
    for (K key : keySet()) {
      cache.update(key, (k, current) -> current == null ? null
          : Checks.requireNonNull(function.apply(k, current), "replaceAll function result"));
    }
  }

  @Override
  public int size() {
    return (int) Math.min(Integer.MAX_VALUE, cache.enumerableSize());
  }

  @Override
  public boolean isEmpty() {
    // O(1) when both tiers are empty; otherwise the first live entry decides (size() can count
    // expired entries, so it cannot).
    return cache.enumerableSize() == 0 || !new EntryIterator().hasNext();
  }

  @Override
  public void clear() {
    List<K> keys = new ArrayList<>();
    for (Iterator<K> it = new KeyIterator(); it.hasNext(); ) {
      keys.add(it.next());
    }
    cache.clearView(keys);
  }

  @Override
  public Set<K> keySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<K> iterator() {
        return new KeyIterator();
      }

      @Override
      public int size() {
        return TieredCacheMap.this.size();
      }

      @Override
      public boolean contains(Object o) {
        return containsKey(o);
      }

      @Override
      public boolean remove(Object o) {
        return TieredCacheMap.this.remove(o) != null;
      }

      @Override
      public void clear() {
        TieredCacheMap.this.clear();
      }
    };
  }

  @Override
  public Collection<V> values() {
    return new AbstractCollection<>() {
      @Override
      public Iterator<V> iterator() {
        EntryIterator entries = new EntryIterator();
        return new Iterator<>() {
          @Override
          public boolean hasNext() {
            return entries.hasNext();
          }

          @Override
          public V next() {
            return entries.next().getValue();
          }

          @Override
          public void remove() {
            entries.remove();
          }
        };
      }

      @Override
      public int size() {
        return TieredCacheMap.this.size();
      }

      @Override
      public boolean contains(Object o) {
        return containsValue(o);
      }

      @Override
      public void clear() {
        TieredCacheMap.this.clear();
      }
    };
  }

  @Override
  public Set<Map.Entry<K, V>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<K, V>> iterator() {
        return new EntryIterator();
      }

      @Override
      public int size() {
        return TieredCacheMap.this.size();
      }

      @Override
      public boolean contains(Object o) {
        if (!(o instanceof Map.Entry<?, ?> entry) || entry.getKey() == null
            || entry.getValue() == null) {
          return false;
        }
        V value = get(entry.getKey());
        return value != null && value.equals(entry.getValue());
      }

      @Override
      public boolean remove(Object o) {
        if (!(o instanceof Map.Entry<?, ?> entry) || entry.getKey() == null
            || entry.getValue() == null) {
          return false;
        }
        return TieredCacheMap.this.remove(entry.getKey(), entry.getValue());
      }

      @Override
      public void clear() {
        TieredCacheMap.this.clear();
      }
    };
  }

  /** Keys of every enumerable tier, each once: L1, a snapshot of L2, L1 again, L2 again. */
  private final class KeyIterator implements Iterator<K> {
    private final Set<K> returned = new HashSet<>();
    private Iterator<K> phase = cache.heapKeys();
    private int phaseNumber;
    private K next;
    private K last;

    @Override
    public boolean hasNext() {
      while (next == null) {
        if (phase.hasNext()) {
          K key = phase.next();
          if (!returned.contains(key)) {
            next = key;
          }
        } else if (phaseNumber == 0) {
          phaseNumber = 1;
          phase = cache.offHeapKeys().iterator();
        } else if (phaseNumber == 1) {
          phaseNumber = 2;
          phase = cache.heapKeys();
        } else if (phaseNumber == 2) {
          phaseNumber = 3; // L2 again: entries that were between L1 and L2 at the first snapshot
          phase = cache.offHeapKeys().iterator();
        } else {
          return false;
        }
      }
      return true;
    }

    @Override
    public K next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      K key = next;
      next = null;
      returned.add(key);
      last = key;
      return key;
    }

    @Override
    public void remove() {
      Checks.requireState(last != null, "remove() without next()");
      TieredCacheMap.this.remove(last);
      last = null;
    }
  }

  /** Entries of every enumerable tier, each key once, with its value when the iterator reached it. */
  private final class EntryIterator implements Iterator<Map.Entry<K, V>> {
    private final KeyIterator keys = new KeyIterator();
    private Map.Entry<K, V> next;
    private K last;

    @Override
    public boolean hasNext() {
      while (next == null && keys.hasNext()) {
        K key = keys.next();
        V value = cache.peek(key);
        if (value != null) {
          next = new WriteThroughEntry(key, value);
        }
      }
      return next != null;
    }

    @Override
    public Map.Entry<K, V> next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Map.Entry<K, V> entry = next;
      next = null;
      last = entry.getKey();
      return entry;
    }

    @Override
    public void remove() {
      Checks.requireState(last != null, "remove() without next()");
      TieredCacheMap.this.remove(last);
      last = null;
    }
  }

  /** An entry whose {@code setValue} writes through to the cache (as {@code put}). */
  private final class WriteThroughEntry extends AbstractMap.SimpleEntry<K, V> {
    private static final long serialVersionUID = 1L;

    WriteThroughEntry(K key, V value) {
      super(key, value);
    }

    @Override
    public V setValue(V value) {
      Checks.requireNonNull(value, "value");
      put(getKey(), value);
      return super.setValue(value);
    }
  }
}
