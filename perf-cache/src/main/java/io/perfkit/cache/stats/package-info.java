/**
 * Immutable statistics snapshots of tiered caches.
 */
package io.perfkit.cache.stats;
