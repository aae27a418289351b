package org.ringfellow.container.host;

import java.util.List;

/**
 * The seccomp deny list every container of a CLI-engine driver gets, on top of the dropped
 * capabilities, in one place so the drivers cannot drift apart: each writes it in its engine's
 * own format (an OCI {@code linux.seccomp} for runc, an LXC version 2 profile).
 *
 * <p>Without any capability most of these calls fail anyway; what matters most is that an
 * unprivileged process may still make a user namespace and hold every capability in it, over
 * new mount and network namespaces: a large kernel surface no contributed workload needs.
 * {@code clone3} answers ENOSYS, as in Docker's profile, because its flags live in memory that
 * seccomp cannot read; libc then falls back to {@code clone}, whose namespace flags are refused.
 */
public final class SeccompPolicy {

    /** System calls refused with EPERM. */
    public static final List<String> DENIED = List.of("unshare", "setns", "mount", "umount2", "pivot_root", "chroot",
            "fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree", "mount_setattr", "kexec_load",
            "kexec_file_load", "init_module", "finit_module", "delete_module", "bpf", "perf_event_open",
            "userfaultfd", "keyctl", "add_key", "request_key", "open_by_handle_at", "name_to_handle_at", "swapon",
            "swapoff", "reboot", "acct", "quotactl", "settimeofday", "clock_settime", "clock_adjtime", "adjtimex",
            "syslog", "lookup_dcookie", "iopl", "ioperm", "vhangup", "uselib", "ustat", "sysfs", "_sysctl",
            "process_vm_readv", "process_vm_writev", "ptrace");

    /** The errno the denied calls answer: EPERM. */
    public static final int DENIED_ERRNO = 1;

    /** Namespace flags of clone(2), each refused (EPERM) when set in its first argument. */
    public static final List<Long> CLONE_NAMESPACE_FLAGS = List.of(0x00020000L /* NEWNS */,
            0x02000000L /* NEWCGROUP */, 0x04000000L /* NEWUTS */, 0x08000000L /* NEWIPC */,
            0x10000000L /* NEWUSER */, 0x20000000L /* NEWPID */, 0x40000000L /* NEWNET */);

    /** The errno {@code clone3} answers: ENOSYS, so libc falls back to {@code clone}. */
    public static final int CLONE3_ERRNO = 38;

    private SeccompPolicy() {
    }
}
