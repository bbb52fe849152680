/**
 * perfkit internals: not exported to users, shared only with perfkit's own modules. No compatibility promise.
 */
package io.perfkit.core.internal;
