package org.ringfellow.api.node;

/**
 * An amount of compute resources: what a node contributes, what is free, what a container or
 * a fellowship member asks for. Values are never negative.
 *
 * @param milliCpus CPU in thousandths of a core (1500 = one and a half cores)
 * @param memoryBytes memory in bytes
 * @param diskBytes disk in bytes
 */
public record Resources(long milliCpus, long memoryBytes, long diskBytes) {

    /** No resources at all. */
    public static final Resources NONE = new Resources(0, 0, 0);

    /**
     * Validates the amounts.
     *
     * @throws IllegalArgumentException if any amount is negative
     */
    public Resources {
        if (milliCpus < 0 || memoryBytes < 0 || diskBytes < 0) {
            throw new IllegalArgumentException("resources cannot be negative: cpu=" + milliCpus + "m memory="
                    + memoryBytes + " disk=" + diskBytes);
        }
    }

    /**
     * Tells whether {@code other} fits within this amount in every dimension.
     *
     * @param other the amount asked for
     * @return true if every dimension of {@code other} is at most this one's
     */
    public boolean covers(Resources other) {
        return other.milliCpus <= milliCpus && other.memoryBytes <= memoryBytes && other.diskBytes <= diskBytes;
    }

    /**
     * Adds two amounts.
     *
     * @param other the amount to add
     * @return the sum
     */
    public Resources plus(Resources other) {
        return new Resources(Math.addExact(milliCpus, other.milliCpus), Math.addExact(memoryBytes, other.memoryBytes),
                Math.addExact(diskBytes, other.diskBytes));
    }

    /**
     * Subtracts an amount, flooring every dimension at zero.
     *
     * @param other the amount to take away
     * @return what is left
     */
    public Resources minus(Resources other) {
        return new Resources(Math.max(0, milliCpus - other.milliCpus), Math.max(0, memoryBytes - other.memoryBytes),
                Math.max(0, diskBytes - other.diskBytes));
    }
}
