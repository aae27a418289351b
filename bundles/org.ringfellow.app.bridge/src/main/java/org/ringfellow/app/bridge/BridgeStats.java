package org.ringfellow.app.bridge;

/**
 * Counters of one bridge end, for status and benchmarks.
 *
 * @param linesIn valid lines read
 * @param linesOut lines written
 * @param malformed lines dropped because they broke a rule of the protocol
 * @param oversized lines dropped because they were longer than the limit
 * @param dropped messages not sent because the queue towards a slow reader was full
 * @param connections how many times the other end connected
 */
public record BridgeStats(long linesIn, long linesOut, long malformed, long oversized, long dropped,
        long connections) {
}
