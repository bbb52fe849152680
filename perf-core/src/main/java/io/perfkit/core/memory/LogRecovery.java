package io.perfkit.core.memory;

/**
 * What {@link MappedLog} found when it opened its directory.
 *
 * @param records the number of valid records found from the start position
 * @param startPosition the position of the first retained record
 * @param endPosition the position after the last valid record (where the next append goes)
 * @param truncated whether a torn or corrupt tail was cut off at {@code endPosition}
 * @param segmentsDeleted segments after the cut that were deleted
 */
public record LogRecovery(
    long records, long startPosition, long endPosition, boolean truncated, int segmentsDeleted) {}
