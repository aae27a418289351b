package org.ringfellow.app.internal;

import org.ringfellow.api.app.AppState;
import org.ringfellow.app.bridge.NodeBridge;

/**
 * Where this node's part of an app is, each state carrying what the part holds in it (in the
 * style of Eclipse Kura's {@code ContainerInstance}). {@link AppInstance#updateState} is the
 * one place a part changes state; it checks {@link #mayBecome} and logs every transition.
 *
 * <pre>
 * Preparing ──▶ Starting ──▶ Running
 *     │  ╲          │            │
 *     │   ╲─────────┼────────────┤ (the app connected before its container was known)
 *     ▼             ▼            ▼
 *  Restarting ◀── failure ──▶ Failed
 *     │ (backoff over)
 *     └──▶ Preparing          any state ──▶ Stopped (final)
 * </pre>
 */
sealed interface PartState {

    /** The state members see. */
    AppState appState();

    /** The bridge the part has open in this state, or null. */
    default NodeBridge bridge() {
        return null;
    }

    /** The container the part runs in this state, or null. */
    default String containerId() {
        return null;
    }

    /** The container's driver in this state, or null. */
    default String driver() {
        return null;
    }

    /** Whether the app is connected to its bridge in this state. */
    default boolean connected() {
        return false;
    }

    /**
     * Fetching the record and artifact, preparing the runtime, opening the bridge, starting the
     * container.
     *
     * @param step what it does now, as its status says
     * @param bridge the bridge once opened, else null
     * @param connected whether the app connected before its container was known
     */
    record Preparing(String step, NodeBridge bridge, boolean connected) implements PartState {
        @Override
        public AppState appState() {
            return AppState.DEPLOYING;
        }
    }

    /** The container runs; the app has not connected to its bridge yet. */
    record Starting(NodeBridge bridge, String containerId, String driver) implements PartState {
        @Override
        public AppState appState() {
            return AppState.DEPLOYING;
        }
    }

    /**
     * The container runs and the app connected.
     *
     * @param sinceNanos when it began to run ({@link System#nanoTime()})
     * @param connected false after the app disconnected (its container's end follows)
     */
    record Running(NodeBridge bridge, String containerId, String driver, long sinceNanos, boolean connected)
            implements PartState {
        @Override
        public AppState appState() {
            return AppState.RUNNING;
        }
    }

    /** The part failed after it had run; it starts again after the backoff. Holds no container. */
    record Restarting(String reason) implements PartState {
        @Override
        public AppState appState() {
            return AppState.DEPLOYING;
        }
    }

    /** The part failed and is not restarted. Holds no container. */
    record Failed(String reason) implements PartState {
        @Override
        public AppState appState() {
            return AppState.FAILED;
        }
    }

    /** The part was stopped and removed; nothing follows. */
    record Stopped(String why) implements PartState {
        @Override
        public AppState appState() {
            return AppState.UNDEPLOYED;
        }
    }

    /** Whether a part in this state may go to {@code next}. */
    default boolean mayBecome(PartState next) {
        if (this instanceof Stopped) {
            return false;
        }
        if (next instanceof Stopped) {
            return true;
        }
        if (this instanceof Preparing) {
            return true;
        }
        if (this instanceof Starting) {
            return next instanceof Running || next instanceof Restarting || next instanceof Failed;
        }
        if (this instanceof Running) {
            return next instanceof Running || next instanceof Restarting || next instanceof Failed;
        }
        if (this instanceof Restarting) {
            return next instanceof Preparing || next instanceof Failed;
        }
        // Failed: a part that gave its seat up, or kept it as an app's only member, stays failed
        return next instanceof Failed;
    }

    /** The state's name for the log. */
    default String label() {
        return getClass().getSimpleName();
    }
}
