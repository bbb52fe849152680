/**
 * Off-heap and memory-mapped buffers with bounds-checked typed, ordered and atomic access, and a crash-safe mapped log.
 */
package io.perfkit.core.memory;
