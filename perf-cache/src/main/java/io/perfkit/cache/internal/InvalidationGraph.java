package io.perfkit.cache.internal;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Tags and dependencies between keys, for invalidation: invalidating a key also invalidates every key
 * that depends on it, transitively; invalidating a tag invalidates every key carrying it (and their
 * dependents). Cycles are handled by visiting each key once.
 *
 * <p>Edges are consumed: once a key is invalidated through this graph, its tags and the edges to its
 * dependents are forgotten (a recomputed dependent registers its dependencies again). So the graph
 * holds only relations of keys not invalidated since they were registered.
 *
 * <p><b>Threading:</b> thread-safe; every method is {@code synchronized} (relations change rarely
 * compared with reads, and a cascade must see a consistent graph).
 *
 * @param <K> the key type
 */
public final class InvalidationGraph<K> {
  /*
   * The maps are created by the first relation registered (guarded by this object's monitor, as every
   * use): most caches never register one, and then the graph costs the heap one small object.
   */
  /** dependency -> keys that depend on it; null until a relation is registered. */
  private Map<K, Set<K>> dependents;
  private Map<Object, Set<K>> tagged;
  private Map<K, Set<Object>> tagsOf;
  private volatile boolean empty = true;

  /** Returns whether no relation was ever registered (lets the cache skip the lock). */
  public boolean isEmpty() {
    return empty;
  }

  /** Records that {@code dependent} must be invalidated whenever {@code dependency} is. */
  public synchronized void dependsOn(K dependent, K dependency) {
    createMaps();
    dependents.computeIfAbsent(dependency, k -> new LinkedHashSet<>()).add(dependent);
    empty = false;
  }

  /** Records that {@code key} carries {@code tag}. */
  public synchronized void tag(K key, Object tag) {
    createMaps();
    tagged.computeIfAbsent(tag, t -> new LinkedHashSet<>()).add(key);
    tagsOf.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(tag);
    empty = false;
  }

  /**
   * Returns {@code root} (if {@code includeRoot}) and every key depending on it transitively, and
   * forgets their relations (the root's own tags and dependencies only if {@code includeRoot}).
   */
  public synchronized Set<K> cascade(K root, boolean includeRoot) {
    Set<K> visited = new LinkedHashSet<>();
    ArrayDeque<K> queue = new ArrayDeque<>();
    if (includeRoot) {
      visited.add(root);
    }
    if (dependents == null) {
      return visited;
    }
    Set<K> direct = dependents.remove(root);
    if (direct != null) {
      queue.addAll(direct);
    }
    walk(visited, queue);
    if (includeRoot) {
      forgetTags(root);
    }
    return visited;
  }

  /** Returns every key carrying {@code tag} and their dependents, and forgets their relations. */
  public synchronized Set<K> cascadeTag(Object tag) {
    Set<K> keys = tagged == null ? null : tagged.remove(tag);
    Set<K> visited = new LinkedHashSet<>();
    if (keys == null) {
      return visited;
    }
    walk(visited, new ArrayDeque<>(keys));
    return visited;
  }

  /** Forgets every relation. */
  public synchronized void clear() {
    if (dependents == null) {
      return;
    }
    dependents.clear();
    tagged.clear();
    tagsOf.clear();
  }

  private void createMaps() {
    if (dependents == null) {
      dependents = new HashMap<>();
      tagged = new HashMap<>();
      tagsOf = new HashMap<>();
    }
  }

  private void walk(Set<K> visited, ArrayDeque<K> queue) {
    while (!queue.isEmpty()) {
      K key = queue.poll();
      if (!visited.add(key)) {
        continue; // seen: a cycle or a diamond
      }
      forgetTags(key);
      Set<K> next = dependents.remove(key);
      if (next != null) {
        queue.addAll(next);
      }
    }
  }

  private void forgetTags(K key) {
    Set<Object> tags = tagsOf.remove(key);
    if (tags == null) {
      return;
    }
    for (Object tag : tags) {
      Set<K> keys = tagged.get(tag);
      if (keys != null) {
        keys.remove(key);
        if (keys.isEmpty()) {
          tagged.remove(tag);
        }
      }
    }
  }
}
