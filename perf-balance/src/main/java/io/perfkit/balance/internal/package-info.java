/**
 * Implementation internals of perfkit balance: the snapshot-publishing membership base, per-endpoint
 * load state, leases, random sources and hash mixers. Not exported; not API.
 */
package io.perfkit.balance.internal;
