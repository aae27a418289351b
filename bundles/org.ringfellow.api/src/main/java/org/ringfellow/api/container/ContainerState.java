package org.ringfellow.api.container;

/** The state of a container. */
public enum ContainerState {
    /** Created but its process has not started. */
    CREATED,
    /** Its process runs. */
    RUNNING,
    /** Its process has ended; the exit status is known. */
    EXITED,
    /** Known to the node, but the driver that runs it is absent now (the container keeps running). */
    DETACHED,
    /** The engine no longer knows it. */
    GONE
}
