package org.ringfellow.api.container;

/** Whether a driver can start containers now. */
public enum Health {
    /** The engine is present and answers. */
    HEALTHY,
    /** The engine is present but does not work now (daemon down, wrong version, missing controller). */
    UNHEALTHY,
    /** The engine is not installed on this node. */
    UNDETECTED
}
