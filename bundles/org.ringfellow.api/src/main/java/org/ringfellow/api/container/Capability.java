package org.ringfellow.api.container;

/** Optional abilities a driver may have; the test kit checks each one a driver claims. */
public enum Capability {
    /** Runs extra commands inside a running container ({@link ContainerDriver#exec}). */
    EXEC,
    /** Reports CPU, memory and process usage ({@link ContainerDriver#stats}). */
    STATS,
    /** Tells when a container was killed for exceeding its memory limit. */
    OOM_DETECTION,
    /** Enforces a CPU limit. */
    CPU_LIMIT,
    /** Enforces a memory limit. */
    MEMORY_LIMIT,
    /** Enforces a process-count limit. */
    PIDS_LIMIT,
    /** Runs the container with a read-only root file system. */
    READ_ONLY_ROOT,
    /**
     * Runs the container's processes as an unprivileged user: a user namespace mapping the
     * container's root to an unprivileged host uid, or a non-root host uid.
     */
    USER_NAMESPACE,
    /**
     * Runs the container's processes under a seccomp filter that, among others, keeps them from
     * making namespaces of their own (a nested user namespace holds every capability over what
     * it creates: a large kernel surface no contributed workload needs).
     */
    SECCOMP,
    /** Gives a container a private network with outbound access when asked. */
    NETWORK,
    /** Reattaches to containers it started before the driver was stopped ({@link ContainerDriver#recover}). */
    RECOVER
}
