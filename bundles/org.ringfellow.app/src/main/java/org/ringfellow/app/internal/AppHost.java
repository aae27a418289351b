package org.ringfellow.app.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.ringfellow.api.app.MemberRef;
import org.ringfellow.api.app.MemberStatus;
import org.ringfellow.api.container.ContainerManager;
import org.ringfellow.api.fellowship.FellowshipMessage;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.runtime.ApplicationRuntime;

/**
 * What this node's part of one app ({@link AppInstance}) needs from the engine, and no more:
 * every call is about that one app.
 */
interface AppHost {

    /** This node. */
    NodeId self();

    /** This node's name. */
    String nodeName();

    /** Where the part keeps its files ({@code <apps>/<name>}) and log ({@code <apps>/<name>.log}). */
    Path appsDir();

    /** How long a part must run before a failure restarts it. */
    Duration settle();

    /** How failures are restarted, read at each failure. */
    RestartPolicy restartPolicy();

    /** Counts one restart of this node's part, for the node's metrics. */
    void restarted();

    /** The app's record from another member (the coordinator first), retried for a while. */
    AppRecord fetchRecord() throws IOException, InterruptedException;

    /** Whether the artifact is in this node's store. */
    boolean hasArtifact(String digest);

    /** Fetches the record's artifact from another member into this node's store, checking its digest. */
    void fetchArtifact(AppRecord record) throws IOException, InterruptedException;

    /** Where a stored artifact is. */
    Path artifact(String digest);

    /** Saves the app's record in the node store. */
    void saveRecord(AppRecord record);

    /** Whether the node store holds the app's record. */
    boolean hasRecord();

    /** The runtime of this type, if installed. */
    Optional<ApplicationRuntime> runtime(String type);

    /** The node's containers. */
    ContainerManager containers();

    /** Runs a task on the engine's workers. */
    void execute(Runnable task);

    /** Runs a task on the engine's workers after a delay; false if the engine is closing. */
    boolean later(Duration delay, Runnable task);

    /** The app's members now. */
    List<MemberRef> members();

    /** A member as the app sees it. */
    MemberRef ref(NodeId id);

    /** The app's coordinator now, if this node is in its fellowship. */
    Optional<NodeId> coordinator();

    /** Gives this node's seat in the app up (see {@link AppEngine#giveUp}); false if it keeps it. */
    boolean giveUp(String reason);

    /**
     * No member could give this node the app's record or artifact within the fetch time: it gives
     * its seat up even as the only member (see {@link AppEngine#unobtainable}).
     */
    void unobtainable(String reason);

    /** A container to remove as soon as its driver can. */
    void removeLater(String containerId);

    /** Tells the other members this member's status. */
    void publishStatus(MemberStatus status);

    /** Counts and logs a message dropped as malformed. */
    void countMalformed(FellowshipMessage message, Exception e);

    /** Sends a message to one member of the app. */
    void send(NodeId to, String topic, byte[] payload);

    /** Sends a message to every other member of the app. */
    void broadcast(String topic, byte[] payload);

    /** Sends a request to one member of the app. */
    CompletableFuture<FellowshipMessage> request(NodeId to, String topic, byte[] payload, Duration timeout);
}
