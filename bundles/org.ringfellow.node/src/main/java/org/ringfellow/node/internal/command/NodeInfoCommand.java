package org.ringfellow.node.internal.command;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.ringfellow.api.node.NodeInfo;
import org.ringfellow.api.node.NodeService;
import org.ringfellow.api.node.Resources;
import org.ringfellow.api.ring.Member;
import org.ringfellow.api.ring.Ring;
import org.ringfellow.api.ring.RingView;

/** {@code node:info}: who this node is and what it contributes. */
@Command(scope = "node", name = "info", description = "Shows this node's id, name, version, contributed resources, "
        + "and the container drivers and application runtimes present")
@Service
public class NodeInfoCommand implements Action {

    /** The label under which the Ring shows a member's reachability. */
    static final String REACH_LABEL = "ringfellow.reach";

    @Reference
    NodeService node;

    /** The Ring, if it runs: for the reachability its member states. */
    @Reference(optional = true)
    Ring ring;

    @Override
    public Object execute() {
        NodeInfo info = node.info();
        StringBuilder out = new StringBuilder();
        row(out, "Node id", info.id().shortId() + "  (" + info.id().hex() + ")");
        row(out, "Name", info.name());
        row(out, "Version", info.version());
        row(out, "Contributed", describe(info.contributed()));
        row(out, "Labels", info.labels().isEmpty() ? "(none)" : labels(info.labels()));
        row(out, "Drivers", list(info.drivers()));
        row(out, "Runtimes", list(info.runtimes()));
        row(out, "Reachability", reachability(ring == null ? RingView.EMPTY : ring.view()));
        row(out, "Data", node.dataDirectory().toString());
        row(out, "Configuration", info.configProblem().map(p -> "REFUSED, last good kept: " + p).orElse("ok"));
        System.out.print(out);
        return null;
    }

    /**
     * @return what this node's Ring member states of its reachability (the label the Ring shows
     *     it under) and the address it is reached at
     */
    static String reachability(RingView view) {
        Optional<Member> self = view.self();
        if (self.isEmpty()) {
            return "(the Ring is not running)";
        }
        String reach = self.get().advert().labels().getOrDefault(REACH_LABEL, "unknown (not decided yet)");
        return reach + ", at " + self.get().address();
    }

    static String describe(Resources r) {
        return String.format(Locale.ROOT, "%s CPU, %s memory, %s disk", cpus(r.milliCpus()), bytes(r.memoryBytes()),
                bytes(r.diskBytes()));
    }

    static String cpus(long milli) {
        return milli % 1000 == 0 ? Long.toString(milli / 1000) : String.format(Locale.ROOT, "%.3f", milli / 1000.0)
                .replaceAll("0+$", "");
    }

    static String bytes(long b) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = b;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? b + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    private static String labels(Map<String, String> labels) {
        return labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }

    private static String list(List<String> items) {
        return items.isEmpty() ? "(none)" : String.join(", ", items);
    }

    private static void row(StringBuilder out, String key, String value) {
        out.append(String.format(Locale.ROOT, "%-14s: %s%n", key, value));
    }
}
