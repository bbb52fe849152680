/**
 * Passive outlier ejection and active health checking.
 */
package io.perfkit.balance.health;
