package org.ringfellow.ring.internal.command;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.ringfellow.ring.internal.codec.Reach;
import org.apache.karaf.shell.support.table.ShellTable;
import org.ringfellow.api.node.Resources;
import org.ringfellow.api.ring.Member;

/**
 * Shared table output of the ring commands: Karaf's {@link ShellTable}, whose columns are as wide
 * as their content, so a long node name or address never pushes the columns after it out of line.
 */
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

    static void table(List<Member> members, PrintStream out) {
        ShellTable table = new ShellTable().forceAscii();
        for (String header : List.of("ID", "NAME", "ADDRESS", "STATE", "REACH", "INCARNATION", "FREE", "DRIVERS",
                "LABELS")) {
            table.column(header);
        }
        for (Member m : members) {
            Map<String, String> labels = new TreeMap<>(m.advert().labels());
            String reach = labels.remove(Reach.LABEL);
            table.addRow().addContent(m.id().shortId(), m.name(), m.address(), m.state(),
                    reach == null ? Reach.UNKNOWN.label() : reach, m.incarnation(), free(m.advert().free()),
                    String.join(",", new TreeSet<>(m.advert().drivers())), labels);
        }
        table.print(out, true);
    }
}
