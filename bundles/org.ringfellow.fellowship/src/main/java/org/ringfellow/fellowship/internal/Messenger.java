package org.ringfellow.fellowship.internal;

import io.netty.buffer.ByteBufUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.ringfellow.api.fellowship.FellowshipEvent;
import org.ringfellow.api.fellowship.FellowshipException;
import org.ringfellow.api.fellowship.FellowshipId;
import org.ringfellow.api.fellowship.FellowshipMember;
import org.ringfellow.api.fellowship.FellowshipMessage;
import org.ringfellow.api.fellowship.FellowshipService;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.fellowship.internal.channel.Link;
import org.ringfellow.fellowship.internal.wire.Frame;

/**
 * A node's fellowship messages: send, broadcast, request and reply, the requests waiting for
 * their replies, and the delivery of what arrives (replies to their requests, the rest to the
 * fellowship's listeners). Called from any thread for sending; deliveries run on the engine's
 * thread. The engine keeps the rosters and the links; this class asks it through {@link Host}.
 */
final class Messenger {

    /** What the messenger needs of the engine. */
    interface Host {
        /** This node. */
        NodeId self();

        /** The fellowship link to a member. */
        Link linkTo(Membership m, FellowshipMember member);

        /** A fresh correlation id, never 0. */
        long nextCorrelation();

        /** Runs a task on the engine's thread later; skipped once the engine is closed. */
        void later(String what, Runnable task);
    }

    private record PendingRequest(FellowshipId fellowship, NodeId to, CompletableFuture<FellowshipMessage> future) {
    }

    private final Host host;
    private final Scheduler loop;
    private final Map<Long, PendingRequest> requests = new ConcurrentHashMap<>();
    /** Replies that answer no request this node sent to that member (forged, or too late). */
    private final AtomicLong unsolicited = new AtomicLong();

    Messenger(Host host, Scheduler loop) {
        this.host = host;
        this.loop = loop;
    }

    /** Replies dropped because they answer no request of this node to their sender. */
    long unsolicited() {
        return unsolicited.get();
    }

    /** Fails every waiting request: the node stops. */
    void close() {
        requests.values().forEach(p -> p.future().completeExceptionally(new FellowshipException("the node stopped")));
        requests.clear();
    }

    void deliver(Membership m, NodeId from, Frame.Message.Kind kind, String topic, long correlation,
            byte[] payload) {
        if (kind == Frame.Message.Kind.REPLY) {
            PendingRequest p = requests.get(correlation);
            if (p != null && p.fellowship().equals(m.id) && p.to().equals(from) && requests.remove(correlation, p)) {
                p.future().complete(new FellowshipMessage(m.id, from, topic, payload, correlation));
            } else {
                unsolicited.incrementAndGet();
                FellowshipEngine.LOG.debug("Fellowship {}: dropped a reply from {} to no request of ours to it", m.id, from.shortId());
            }
            return;
        }
        long corr = kind == Frame.Message.Kind.REQUEST ? correlation : 0;
        m.emit(FellowshipEvent.Type.MESSAGE, Optional.of(from),
                Optional.of(new FellowshipMessage(m.id, from, topic, payload, corr)));
    }

    void send(Membership m, NodeId to, String topic, byte[] payload) throws FellowshipException {
        message(m, to, Frame.Message.Kind.SEND, topic, 0, payload);
    }

    void broadcast(Membership m, String topic, byte[] payload) throws FellowshipException {
        validate(topic, payload);
        List<String> failed = new ArrayList<>();
        for (FellowshipMember x : m.roster.members()) {
            if (x.node().equals(host.self())) {
                continue;
            }
            try {
                message(m, x.node(), Frame.Message.Kind.SEND, topic, 0, payload);
            } catch (FellowshipException e) {
                failed.add(x.node().shortId());
            }
        }
        if (!failed.isEmpty()) {
            throw new FellowshipException("the broadcast did not go to " + failed
                    + ": their outbound queues are full or they are unreachable");
        }
    }

    CompletionStage<FellowshipMessage> request(Membership m, NodeId to, String topic, byte[] payload,
            Duration timeout) {
        CompletableFuture<FellowshipMessage> future = new CompletableFuture<>();
        if (timeout == null || timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofHours(1)) > 0) {
            future.completeExceptionally(new FellowshipException("a request timeout is between 0 and 1 hour"));
            return future;
        }
        long corr = host.nextCorrelation();
        PendingRequest p = new PendingRequest(m.id, to, future);
        requests.put(corr, p);
        try {
            message(m, to, Frame.Message.Kind.REQUEST, topic, corr, payload);
        } catch (FellowshipException e) {
            requests.remove(corr, p);
            future.completeExceptionally(e);
            return future;
        }
        loop.schedule(() -> {
            if (requests.remove(corr, p)) {
                future.completeExceptionally(new FellowshipException("no reply from " + to.shortId() + " on '"
                        + topic + "' within " + timeout.toMillis() + " ms"));
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        return future;
    }

    void reply(Membership m, FellowshipMessage request, byte[] payload) throws FellowshipException {
        if (request.correlation() == 0) {
            throw new FellowshipException("that message is not a request");
        }
        message(m, request.from(), Frame.Message.Kind.REPLY, request.topic(), request.correlation(), payload);
    }

    private void message(Membership m, NodeId to, Frame.Message.Kind kind, String topic, long corr, byte[] payload)
            throws FellowshipException {
        validate(topic, payload);
        if (m.gone) {
            throw new FellowshipException("this node is no longer in fellowship " + m.id);
        }
        if (to.equals(host.self())) {
            byte[] copy = payload.clone(); // delivered later: the caller may change its array meanwhile
            host.later("local delivery", () -> deliver(m, to, kind, topic, corr, copy));
            return;
        }
        FellowshipMember x = m.member(to).orElseThrow(() -> new FellowshipException(to.shortId()
                + " is not a member of fellowship " + m.id));
        // no defensive copy: send encodes the frame before it returns
        if (!host.linkTo(m, x).send(new Frame.Message(m.id, m.roster.epoch(), kind, topic, corr, payload))) {
            throw new FellowshipException("member " + to.shortId() + " is not keeping up (its outbound queue is "
                    + "full) or cannot be reached; try again later");
        }
    }

    private static void validate(String topic, byte[] payload) throws FellowshipException {
        if (topic == null || topic.isEmpty() || ByteBufUtil.utf8Bytes(topic) > 128) {
            throw new FellowshipException("a topic is 1 to 128 bytes");
        }
        if (payload == null || payload.length > FellowshipService.MAX_PAYLOAD) {
            throw new FellowshipException("a payload is at most " + FellowshipService.MAX_PAYLOAD + " bytes");
        }
    }

    void failRequests(FellowshipId id, Optional<NodeId> to, String why) {
        requests.forEach((corr, p) -> {
            if (p.fellowship().equals(id) && (to.isEmpty() || to.get().equals(p.to())) && requests.remove(corr, p)) {
                p.future().completeExceptionally(new FellowshipException(why));
            }
        });
    }
}
