/**
 * perf-cache internals: not exported.
 */
package io.perfkit.cache.internal;
