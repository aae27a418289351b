package org.ringfellow.bench.fuzz;

import java.util.List;

/** Every fuzz target, with the name its corpus and findings go under. */
public final class Targets {

    /** The targets, one per decoder. */
    public static final List<Class<?>> ALL = List.of(RingDatagramTarget.class, RingStreamTarget.class,
            FellowshipFrameTarget.class, BridgeTarget.class, AppManifestTarget.class, AppWireTarget.class,
            JobWireTarget.class, JobResultTarget.class, JobFileTarget.class, RestBodyTarget.class);

    private Targets() {
    }
}
