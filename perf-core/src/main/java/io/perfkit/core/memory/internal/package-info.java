/**
 * perfkit-internal bridges between {@code io.perfkit.core.memory} and perfkit's other packages; not
 * exported from the module and not part of the API.
 */
package io.perfkit.core.memory.internal;
