/**
 * Consistent hashing: ring, Maglev, jump, rendezvous and bounded-load variants.
 */
package io.perfkit.balance.hash;
