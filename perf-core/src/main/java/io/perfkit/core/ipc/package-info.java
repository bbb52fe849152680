/**
 * Inter-thread and inter-process record ring buffers and shared counters over off-heap or mapped memory.
 */
package io.perfkit.core.ipc;
