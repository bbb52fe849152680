/**
 * Tiered caches: on-heap L1, off-heap L2, mapped-file L3 and a remote Redis tier.
 */
package io.perfkit.cache;
