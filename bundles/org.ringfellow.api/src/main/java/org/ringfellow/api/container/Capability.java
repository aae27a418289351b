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
    /** Runs the container's processes as an unprivileged user (user namespace or uid mapping). */
    USER_NAMESPACE,
    /** Gives a container a private network with outbound access when asked. */
    NETWORK,
    /** Reattaches to containers it started before the driver was stopped ({@link ContainerDriver#recover}). */
    RECOVER
}
