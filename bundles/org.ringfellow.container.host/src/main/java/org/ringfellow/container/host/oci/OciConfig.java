package org.ringfellow.container.host.oci;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ringfellow.api.container.ContainerDriver;
import org.ringfellow.api.container.ContainerSpec;
import org.ringfellow.api.container.Mount;
import org.ringfellow.container.host.SeccompPolicy;

/**
 * Builds the OCI runtime {@code config.json} for a spec. Isolation follows runc's own default
 * spec and tightens it: no capability at all, no new privileges, a user namespace, an empty
 * network namespace (only {@code lo}), a read-only root unless asked, the limits as cgroups and
 * the {@link SeccompPolicy} as {@code linux.seccomp}. Any runtime that reads an OCI bundle (runc,
 * crun, youki) takes it as it is.
 */
public final class OciConfig {

    /** Where the init (tini) is bind-mounted in the container. */
    public static final String INIT_PATH = "/dev/.ringfellow-init";
    /** The annotation that records the spec's image. */
    public static final String IMAGE_ANNOTATION = "org.ringfellow.image";
    /** The prefix of the annotations that hold the spec's labels. */
    public static final String LABEL_PREFIX = "org.ringfellow.label.";
    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final long CPU_PERIOD = 100_000;

    private OciConfig() {
    }

    /**
     * The {@code config.json} of a container.
     *
     * @param json the mapper that makes the nodes
     * @param spec the container
     * @param rootfs its root file system on the host (the shared image, or a writable overlay)
     * @param cgroupsPath its cgroup below each controller
     * @param ownerNodeId the node recorded in the {@code org.ringfellow.node} annotation
     * @param options the driver's settings (user namespace, init)
     * @param withInit whether the init is bind-mounted and runs as PID 1
     * @return the configuration, ready to be written
     */
    public static ObjectNode build(ObjectMapper json, ContainerSpec spec, Path rootfs, String cgroupsPath,
            String ownerNodeId, OciRuntimeOptions options, boolean withInit) {
        ObjectNode c = json.createObjectNode();
        c.put("ociVersion", "1.0.2");

        ObjectNode process = c.putObject("process");
        process.put("terminal", false);
        ObjectNode user = process.putObject("user");
        // root of its own user namespace, or nobody on the host when user namespaces are off
        int uid = options.uidBase() > 0 ? 0 : 65534;
        user.put("uid", uid);
        user.put("gid", uid);
        ArrayNode args = process.putArray("args");
        if (withInit) {
            // tini forwards SIGTERM to the workload (a bare PID 1 ignores it) and reaps zombies
            args.add(INIT_PATH).add("-g").add("--");
        }
        spec.command().forEach(args::add);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", DEFAULT_PATH);
        env.put("HOME", "/root");
        if (withInit) {
            // tini's warnings (such as a signal that arrives after the child exited) would mix into the workload's output
            env.put("TINI_VERBOSITY", "0");
        }
        env.putAll(spec.env());
        ArrayNode envArray = process.putArray("env");
        env.forEach((k, v) -> envArray.add(k + "=" + v));
        process.put("cwd", spec.workingDir());
        ObjectNode caps = process.putObject("capabilities");
        for (String set : List.of("bounding", "effective", "inheritable", "permitted", "ambient")) {
            caps.putArray(set);
        }
        ArrayNode rlimits = process.putArray("rlimits");
        ObjectNode nofile = rlimits.addObject();
        nofile.put("type", "RLIMIT_NOFILE");
        nofile.put("hard", 1024);
        nofile.put("soft", 1024);
        process.put("noNewPrivileges", true);

        ObjectNode root = c.putObject("root");
        root.put("path", rootfs.toString());
        root.put("readonly", spec.readOnlyRoot());
        c.put("hostname", spec.name());

        ArrayNode mounts = c.putArray("mounts");
        mount(mounts, "/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev"));
        mount(mounts, "/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k"));
        mount(mounts, "/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k"));
        mount(mounts, "/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev"));
        mount(mounts, "/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro"));
        if (withInit) {
            mount(mounts, INIT_PATH, "bind", options.init().toString(), List.of("bind", "ro", "nosuid", "nodev"));
        }
        for (Mount m : spec.mounts()) {
            if (m.type() == Mount.Type.TMPFS) {
                mount(mounts, m.target(), "tmpfs", "tmpfs", List.of("nosuid", "nodev", "mode=1777",
                        "size=" + m.sizeBytes()));
            } else {
                mount(mounts, m.target(), "bind", m.source(), m.readOnly()
                        ? List.of("rbind", "ro", "nosuid", "nodev") : List.of("rbind", "nosuid", "nodev"));
            }
        }

        ObjectNode annotations = c.putObject("annotations");
        annotations.put(ContainerDriver.OWNER_LABEL, ownerNodeId);
        annotations.put(IMAGE_ANNOTATION, spec.image());
        spec.labels().forEach((k, v) -> annotations.put(LABEL_PREFIX + k, v));

        ObjectNode linux = c.putObject("linux");
        if (options.uidBase() > 0) {
            for (String key : List.of("uidMappings", "gidMappings")) {
                ObjectNode map = linux.putArray(key).addObject();
                map.put("containerID", 0);
                map.put("hostID", options.uidBase());
                map.put("size", OciRuntimeOptions.ID_RANGE);
            }
        }
        ArrayNode ns = linux.putArray("namespaces");
        for (String n : List.of("pid", "network", "ipc", "uts", "mount", "cgroup")) {
            ns.addObject().put("type", n);
        }
        if (options.uidBase() > 0) {
            ns.addObject().put("type", "user");
        }
        linux.put("cgroupsPath", cgroupsPath);
        ObjectNode resources = linux.putObject("resources");
        ObjectNode deny = resources.putArray("devices").addObject();
        deny.put("allow", false);
        deny.put("access", "rwm");
        ObjectNode memory = resources.putObject("memory");
        memory.put("limit", spec.limits().memoryBytes());
        // runc's swap is memory plus swap (memory.memsw), so equal values forbid swapping
        memory.put("swap", spec.limits().memoryBytes());
        resources.putObject("pids").put("limit", spec.limits().pids());
        if (spec.limits().milliCpus() > 0) {
            ObjectNode cpu = resources.putObject("cpu");
            cpu.put("period", CPU_PERIOD);
            cpu.put("quota", Math.max(1000, spec.limits().milliCpus() * CPU_PERIOD / 1000));
        }
        seccomp(linux);
        ArrayNode masked = linux.putArray("maskedPaths");
        for (String p : List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
                "/proc/kmsg")) {
            masked.add(p);
        }
        ArrayNode ro = linux.putArray("readonlyPaths");
        for (String p : List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger")) {
            ro.add(p);
        }
        return c;
    }

    /**
     * The seccomp architectures of this JVM's machine, for which the profile is written.
     *
     * @return the libseccomp names; empty where the driver writes no profile (then it does not
     *     claim {@code SECCOMP})
     */
    public static List<String> seccompArchitectures() {
        String arch = System.getProperty("os.arch");
        return arch.equals("amd64") || arch.equals("x86_64")
                ? List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32")
                : arch.equals("aarch64") ? List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM") : List.of();
    }

    /**
     * A deny list on top of the dropped capabilities. Without any capability most of these fail
     * anyway; what matters most is that an unprivileged process may still create a user
     * namespace, and inside it it holds every capability over new mount and network namespaces:
     * a large kernel surface no contributed workload needs. clone3 answers ENOSYS, as in Docker's
     * profile, because its flags live in memory seccomp cannot read; libc then falls back to clone.
     */
    private static void seccomp(ObjectNode linux) {
        List<String> arches = seccompArchitectures();
        if (arches.isEmpty()) {
            return;
        }
        ObjectNode seccomp = linux.putObject("seccomp");
        seccomp.put("defaultAction", "SCMP_ACT_ALLOW");
        ArrayNode a = seccomp.putArray("architectures");
        arches.forEach(a::add);
        ArrayNode rules = seccomp.putArray("syscalls");
        ObjectNode deny = rules.addObject();
        ArrayNode names = deny.putArray("names");
        for (String n : SeccompPolicy.DENIED) {
            names.add(n);
        }
        deny.put("action", "SCMP_ACT_ERRNO");
        deny.put("errnoRet", SeccompPolicy.DENIED_ERRNO);
        for (long flag : SeccompPolicy.CLONE_NAMESPACE_FLAGS) {
            ObjectNode rule = rules.addObject();
            rule.putArray("names").add("clone");
            rule.put("action", "SCMP_ACT_ERRNO");
            rule.put("errnoRet", SeccompPolicy.DENIED_ERRNO);
            ObjectNode arg = rule.putArray("args").addObject();
            arg.put("index", 0);
            arg.put("value", flag);
            arg.put("valueTwo", flag);
            arg.put("op", "SCMP_CMP_MASKED_EQ");
        }
        ObjectNode clone3 = rules.addObject();
        clone3.putArray("names").add("clone3");
        clone3.put("action", "SCMP_ACT_ERRNO");
        clone3.put("errnoRet", SeccompPolicy.CLONE3_ERRNO);
    }

    private static void mount(ArrayNode mounts, String dest, String type, String source, List<String> options) {
        ObjectNode m = mounts.addObject();
        m.put("destination", dest);
        m.put("type", type);
        m.put("source", source);
        ArrayNode o = m.putArray("options");
        options.forEach(o::add);
    }
}
