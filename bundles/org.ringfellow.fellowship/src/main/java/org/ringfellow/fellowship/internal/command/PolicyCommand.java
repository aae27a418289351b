package org.ringfellow.fellowship.internal.command;

import java.util.stream.Collectors;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.ringfellow.api.fellowship.AdmissionPolicy;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.fellowship.internal.FellowshipComponent;

/** {@code fellowship:policy}: the admission policy, the reservations and the channel counters. */
@Command(scope = "fellowship", name = "policy", description = "Shows the admission policy in force (set it with "
        + "config:edit org.ringfellow.fellowship), the reservations and the channel counters")
@Service
public class PolicyCommand extends FellowshipCommand {

    @Override
    Object run() {
        AdmissionPolicy p = fellowships.policy();
        row("Max fellowships", Integer.toString(p.maxFellowships()));
        row("Lend percent", p.lendPercent() + "%");
        row("Allowed founders", p.allowedFounders().isEmpty() ? "(any)"
                : p.allowedFounders().stream().map(NodeId::shortId).sorted().collect(Collectors.joining(", ")));
        row("Refused founders", p.refusedFounders().isEmpty() ? "(none)"
                : p.refusedFounders().stream().map(NodeId::shortId).sorted().collect(Collectors.joining(", ")));
        row("Required labels", p.requiredLabels().isEmpty() ? "(none)" : p.requiredLabels().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).sorted().collect(Collectors.joining(", ")));
        if (fellowships.reservations().isEmpty()) {
            row("Reserved", "(nothing)");
        }
        fellowships.reservations().forEach((id, r) -> row("Reserved", id + ": " + Format.resources(r)));
        if (fellowships instanceof FellowshipComponent c) {
            row("Configuration", c.configProblem().map(e -> "REFUSED (" + e + "); earlier or default settings in force")
                    .orElse("ok"));
            c.stats().forEach((k, v) -> row(k, Long.toString(v)));
        }
        return null;
    }

    private static void row(String key, String value) {
        System.out.printf("%-20s: %s%n", key, value);
    }
}
