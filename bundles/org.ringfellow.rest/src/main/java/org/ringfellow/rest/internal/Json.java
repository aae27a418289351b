package org.ringfellow.rest.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.ringfellow.api.app.AppStatus;
import org.ringfellow.api.app.MemberStatus;
import org.ringfellow.api.container.ContainerInfo;
import org.ringfellow.api.container.DriverInfo;
import org.ringfellow.api.container.ResourceLimits;
import org.ringfellow.api.fellowship.Fellowship;
import org.ringfellow.api.fellowship.FellowshipMember;
import org.ringfellow.api.fellowship.Roster;
import org.ringfellow.api.job.JobService;
import org.ringfellow.api.job.JobView;
import org.ringfellow.api.job.Progress;
import org.ringfellow.api.node.NodeInfo;
import org.ringfellow.api.node.Resources;
import org.ringfellow.api.ring.Member;
import org.ringfellow.api.ring.RingStats;

/** The API's JSON shapes, built as plain maps and lists (what Jackson writes), one method per API type. */
final class Json {

    private Json() {
    }

    static Map<String, Object> node(NodeInfo n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", n.id().hex());
        m.put("shortId", n.id().shortId());
        m.put("name", n.name());
        m.put("version", n.version());
        m.put("contributed", resources(n.contributed()));
        m.put("labels", new TreeMap<>(n.labels()));
        m.put("drivers", n.drivers());
        m.put("runtimes", n.runtimes());
        m.put("configProblem", n.configProblem().orElse(null));
        return m;
    }

    static Map<String, Object> resources(Resources r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("milliCpus", r.milliCpus());
        m.put("memoryBytes", r.memoryBytes());
        m.put("diskBytes", r.diskBytes());
        return m;
    }

    static Map<String, Object> member(Member mb, boolean self) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", mb.id().hex());
        m.put("name", mb.name());
        m.put("address", mb.address().toString());
        m.put("incarnation", mb.incarnation());
        m.put("state", mb.state().name());
        m.put("self", self);
        Map<String, Object> advert = new LinkedHashMap<>();
        advert.put("contributed", resources(mb.advert().contributed()));
        advert.put("free", resources(mb.advert().free()));
        advert.put("drivers", mb.advert().drivers().stream().sorted().toList());
        advert.put("runtimes", mb.advert().runtimes().stream().sorted().toList());
        advert.put("labels", new TreeMap<>(mb.advert().labels()));
        m.put("advert", advert);
        return m;
    }

    static Map<String, Object> ringStats(RingStats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("messagesIn", s.messagesIn());
        m.put("messagesOut", s.messagesOut());
        m.put("bytesIn", s.bytesIn());
        m.put("bytesOut", s.bytesOut());
        m.put("drops", new TreeMap<>(s.drops()));
        m.put("protocolPeriodMillis", s.protocolPeriodMillis());
        m.put("healthMultiplier", s.healthMultiplier());
        Map<String, Object> states = new TreeMap<>();
        s.membersByState().forEach((k, v) -> states.put(k.name(), v));
        m.put("membersByState", states);
        return m;
    }

    static Map<String, Object> fellowship(Fellowship f) {
        Roster r = f.roster();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", f.id().value());
        m.put("targetSize", f.spec().targetSize());
        m.put("coordinator", r.coordinator().hex());
        m.put("isCoordinator", f.isCoordinator());
        m.put("rosterVersion", r.version());
        m.put("epoch", r.epoch());
        List<Map<String, Object>> members = r.members().stream().map(Json::fellowshipMember).toList();
        m.put("members", members);
        return m;
    }

    private static Map<String, Object> fellowshipMember(FellowshipMember fm) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", fm.node().hex());
        m.put("channel", fm.channel().toString());
        return m;
    }

    static Map<String, Object> driver(DriverInfo d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", d.type());
        m.put("health", d.fingerprint().health().name());
        m.put("version", d.fingerprint().version());
        m.put("reason", d.fingerprint().reason());
        m.put("attributes", new TreeMap<>(d.fingerprint().attributes()));
        m.put("capabilities", d.capabilities().stream().map(Enum::name).sorted().toList());
        m.put("default", d.isDefault());
        return m;
    }

    static Map<String, Object> container(ContainerInfo c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.id());
        m.put("driver", c.driverType());
        m.put("state", c.state().name());
        m.put("image", c.image());
        m.put("imageName", c.imageName());
        m.put("limits", limits(c.limits()));
        m.put("startedAt", c.startedAt() == null ? null : c.startedAt().toString());
        m.put("exitCode", c.exit().map(e -> (Object) e.exitCode()).orElse(null));
        return m;
    }

    static Map<String, Object> limits(ResourceLimits l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("milliCpus", l.milliCpus());
        m.put("memoryBytes", l.memoryBytes());
        m.put("pids", l.pids());
        return m;
    }

    static Map<String, Object> app(AppStatus s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.descriptor().name());
        m.put("version", s.descriptor().version());
        m.put("size", s.descriptor().size());
        m.put("runtime", s.descriptor().runtime());
        m.put("entry", s.descriptor().entry());
        m.put("perMember", limits(s.descriptor().perMember()));
        m.put("labels", new TreeMap<>(s.descriptor().labels()));
        m.put("digest", s.digest());
        m.put("state", s.state().name());
        m.put("message", s.message());
        m.put("members", s.members().stream().map(Json::appMember).toList());
        return m;
    }

    private static Map<String, Object> appMember(MemberStatus ms) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", ms.node());
        m.put("nodeName", ms.nodeName());
        m.put("containerId", ms.containerId());
        m.put("driver", ms.driver());
        m.put("state", ms.state() == null ? null : ms.state().name());
        m.put("message", ms.message());
        return m;
    }

    static Map<String, Object> error(int status, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", status);
        m.put("error", message);
        return m;
    }

    /** A job as {@code job:status} shows it; the estimate in seconds ({@code etaSeconds}), absent values null. */
    static Map<String, Object> job(JobView j) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", j.id());
        m.put("phase", j.phase());
        m.put("detail", j.detail().orElse(null));
        m.put("tasks", j.tasks());
        Progress p = j.progress();
        Map<String, Object> progress = new LinkedHashMap<>();
        progress.put("pending", p.pending());
        progress.put("running", p.running());
        progress.put("validated", p.validated());
        progress.put("failed", p.failed());
        progress.put("runs", p.runs());
        progress.put("leases", p.leases());
        m.put("progress", progress);
        m.put("collected", j.collected());
        List<Map<String, Object>> members = new ArrayList<>();
        for (JobView.MemberView v : j.members()) {
            Map<String, Object> mv = new LinkedHashMap<>();
            mv.put("member", v.member());
            mv.put("consecutiveValid", v.consecutiveValid());
            mv.put("valid", v.valid());
            mv.put("invalid", v.invalid());
            mv.put("excluded", v.excluded());
            members.add(mv);
        }
        m.put("members", members);
        m.put("etaSeconds", j.eta().map(d -> d.toMillis() / 1000.0).orElse(null));
        m.put("comparisons", j.comparisons().orElse(null));
        return m;
    }

    /** One task of a job with its validated result, as {@code job:results} lists it. */
    static Map<String, Object> task(JobService.TaskLine t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", t.task());
        m.put("status", t.status());
        m.put("results", t.results());
        m.put("digest", t.digest().orElse(null));
        m.put("exitCode", t.exitCode().orElse(null));
        m.put("stdout", t.stdout().orElse(null));
        m.put("error", t.error().orElse(null));
        return m;
    }
}
