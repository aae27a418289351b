package org.ringfellow.ring.internal.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.ringfellow.api.ring.Ring;
import org.ringfellow.api.ring.RingStats;

@Command(scope = "ring", name = "stats", description = "Shows the Ring protocol's counters")
@Service
public class StatsCommand implements Action {

    @Reference
    Ring ring;

    @Override
    public Object execute() {
        RingStats s = ring.stats();
        System.out.printf("messages in/out : %d / %d%n", s.messagesIn(), s.messagesOut());
        System.out.printf("bytes in/out    : %d / %d%n", s.bytesIn(), s.bytesOut());
        System.out.printf("probe period    : %d ms (health multiplier %d)%n", s.protocolPeriodMillis(),
                s.healthMultiplier());
        System.out.printf("members         : %s%n", s.membersByState());
        System.out.printf("drops           : %s%n", s.drops().isEmpty() ? "none" : s.drops());
        return null;
    }
}
