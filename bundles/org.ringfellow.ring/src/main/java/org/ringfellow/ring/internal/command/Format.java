package org.ringfellow.ring.internal.command;

import java.util.List;
import org.ringfellow.api.node.Resources;
import org.ringfellow.api.ring.Member;

/** Shared table output of the ring commands. */
final class Format {

    private Format() {
    }

    static String bytes(long b) {
        if (b >= 1L << 30) {
            return String.format("%.1fG", b / (double) (1L << 30));
        }
        if (b >= 1L << 20) {
            return String.format("%.0fM", b / (double) (1L << 20));
        }
        return b + "B";
    }

    static String free(Resources r) {
        return String.format("cpu=%.2f mem=%s disk=%s", r.milliCpus() / 1000.0, bytes(r.memoryBytes()),
                bytes(r.diskBytes()));
    }

    static void table(List<Member> members) {
        System.out.printf("%-12s %-16s %-22s %-8s %-14s %s%n", "ID", "NAME", "ADDRESS", "STATE", "INCARNATION",
                "FREE / DRIVERS / LABELS");
        for (Member m : members) {
            System.out.printf("%-12s %-16s %-22s %-8s %-14d %s %s %s%n", m.id().shortId(), m.name(), m.address(),
                    m.state(), m.incarnation(), free(m.advert().free()), m.advert().drivers(), m.advert().labels());
        }
    }
}
