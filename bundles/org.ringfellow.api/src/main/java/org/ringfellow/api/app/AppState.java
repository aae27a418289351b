package org.ringfellow.api.app;

/** The state of a deployed app or of one of its members. */
public enum AppState {
    /** Being deployed: recruiting, transferring, starting. */
    DEPLOYING,
    /** Running at its target size. */
    RUNNING,
    /** Running below its target size while a member is replaced. */
    DEGRADED,
    /** Failed; the status message says why. */
    FAILED,
    /** Stopped and removed. */
    UNDEPLOYED
}
