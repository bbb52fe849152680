/**
 * Padded counters and sequences that avoid false sharing, built on VarHandles.
 */
package io.perfkit.core.counter;
