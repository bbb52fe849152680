/**
 * Client-side load balancers over a live, lock-free membership of endpoints.
 */
package io.perfkit.balance;
