/**
 * Object and buffer pools with per-thread caches, striped shared stores and leak detection.
 */
package io.perfkit.core.pool;
