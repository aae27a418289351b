package org.ringfellow.node.internal.command;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.ringfellow.api.node.NodeInfo;
import org.ringfellow.api.node.NodeService;
import org.ringfellow.api.node.Resources;

/** {@code node:info}: who this node is and what it contributes. */
@Command(scope = "node", name = "info", description = "Shows this node's id, name, version, contributed resources, "
        + "and the container drivers and application runtimes present")
@Service
public class NodeInfoCommand implements Action {

    @Reference
    NodeService node;

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
        row(out, "Data", node.dataDirectory().toString());
        row(out, "Configuration", info.configProblem().map(p -> "REFUSED, last good kept: " + p).orElse("ok"));
        System.out.print(out);
        return null;
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
