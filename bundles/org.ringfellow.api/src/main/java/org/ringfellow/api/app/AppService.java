package org.ringfellow.api.app;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The minimal PaaS API: deploy, list, status, scale, logs, undeploy; and the apps' request and restart counts for
 * the node's metrics.
 */
public interface AppService {

    /**
     * Deploys an app from a {@code mvn:}, {@code file:} or other URL Karaf can open.
     *
     * @param artifact where the app bundle is
     * @param progress receives a line for each step of the deployment
     * @return the app's status once every member started it
     * @throws AppException with a clear message if the artifact is not an app or cannot be
     *     placed; nothing is left half-deployed
     */
    AppStatus deploy(URI artifact, Consumer<String> progress) throws AppException;

    /**
     * Lists the apps this node founded.
     *
     * @return their statuses
     */
    List<AppStatus> list();

    /**
     * Returns an app's status.
     *
     * @param name the app
     * @return its status, or empty if there is no such app
     */
    Optional<AppStatus> status(String name);

    /**
     * Grows or shrinks an app's fellowship.
     *
     * @param name the app
     * @param size the new size
     * @return its status after the change
     * @throws AppException if there is no such app or the size cannot be reached
     */
    AppStatus scale(String name, int size) throws AppException;

    /**
     * Reads one member's log of an app.
     *
     * @param name the app
     * @param member the member's node id (a unique prefix is enough)
     * @param fromOffset where to start
     * @return the text and the offset to read from next, as {@code [text, nextOffset]}
     * @throws AppException if there is no such app or member
     */
    LogSlice logs(String name, String member, long fromOffset) throws AppException;

    /**
     * Sends a message to an app, as this node's member of it: the app's {@code message}
     * handler receives it. For operators and tools that drive an app by events.
     *
     * @param name the app
     * @param member a unique prefix of a member's node id, or {@code *} for every member
     * @param topic what it is about, 1 to 128 characters
     * @param payload its body
     * @return how many members it was sent to
     * @throws AppException if there is no such app or member, or this node is not one of its members
     */
    int send(String name, String member, String topic, byte[] payload) throws AppException;

    /**
     * Undeploys an app: every container destroyed, the fellowship dissolved, nothing left behind.
     *
     * @param name the app
     * @throws AppException if there is no such app
     */
    void undeploy(String name) throws AppException;

    /**
     * The apps' HTTP requests, their latency and this node's restarts of its parts, as this node counted them (see
     * {@link AppMetrics} for where a request is counted). One entry per app that exists now (this node runs a part
     * of it, or the Ring shows a member that does), so the entries are bounded by the apps; an app gone is gone
     * from the list, its counts with it.
     *
     * @return one entry per app, by name; empty from an implementation that counts nothing
     * @since 0.4.0
     */
    default List<AppMetrics> metrics() {
        return List.of();
    }

    /**
     * A piece of an app member's log.
     *
     * @param text the text
     * @param nextOffset the offset to read from next
     */
    record LogSlice(String text, long nextOffset) {
    }
}
