package org.ringfellow.app.internal;

import java.util.Set;
import org.ringfellow.api.app.AppDescriptor;
import org.ringfellow.api.node.Resources;
import org.ringfellow.api.ring.ResourceQuery;

/** What an app asks of each member, as the Ring query, the fellowship's reservation and in words. */
final class Placement {

    private Placement() {
    }

    static ResourceQuery query(AppDescriptor d) {
        return new ResourceQuery(reservation(d), Set.of(), Set.of(d.runtime()), d.labels(), Set.of(),
                ResourceQuery.MAX_LIMIT);
    }

    static Resources reservation(AppDescriptor d) {
        return new Resources(d.perMember().milliCpus(), d.perMember().memoryBytes(), 0);
    }

    static String limits(AppDescriptor d) {
        return "cpu " + d.perMember().milliCpus() + "m, memory " + (d.perMember().memoryBytes() >> 20) + " MiB, pids "
                + d.perMember().pids();
    }

    static String resources(Resources r) {
        return "cpu " + r.milliCpus() + "m, memory " + (r.memoryBytes() >> 20) + " MiB";
    }
}
