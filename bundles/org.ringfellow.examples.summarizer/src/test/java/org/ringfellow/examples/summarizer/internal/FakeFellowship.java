package org.ringfellow.examples.summarizer.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.ringfellow.api.app.App;
import org.ringfellow.api.app.AppContext;
import org.ringfellow.api.app.AppException;
import org.ringfellow.api.app.AppMessage;
import org.ringfellow.api.app.MemberRef;

/**
 * An app's fellowship in memory: each member an {@link App} with its own context; messages are
 * delivered on the receiver's own thread, in order per receiver, as a node delivers them; a message
 * to itself loops back; a killed member gets nothing more and the others are told it left.
 */
final class FakeFellowship implements AutoCloseable {

    final Map<String, Member> members = new ConcurrentHashMap<>();
    final List<String> order = new CopyOnWriteArrayList<>();
    final AtomicInteger messages = new AtomicInteger();

    final class Member implements AppContext {
        final MemberRef ref;
        final App app;
        final List<String> log = new CopyOnWriteArrayList<>();
        final ExecutorService inbox;

        Member(MemberRef ref, App app) {
            this.ref = ref;
            this.app = app;
            this.inbox = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "fake-node-" + ref.name());
                t.setDaemon(true);
                return t;
            });
        }

        @Override
        public String appName() {
            return "summarizer";
        }

        @Override
        public MemberRef self() {
            return ref;
        }

        @Override
        public List<MemberRef> members() {
            List<MemberRef> out = new ArrayList<>();
            for (String id : order) {
                Member m = FakeFellowship.this.members.get(id);
                if (m != null) {
                    out.add(m.ref);
                }
            }
            return out;
        }

        @Override
        public boolean isCoordinator() {
            return ref.coordinator();
        }

        @Override
        public void send(String to, String topic, byte[] payload) {
            Member target = members.get(to);
            if (target == null) {
                return; // a node drops a message to a member that is gone
            }
            messages.incrementAndGet();
            AppMessage m = new AppMessage(ref, topic, payload.clone(), 0);
            try {
                target.inbox.execute(() -> target.app.message(m));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // killed meanwhile
            }
        }

        @Override
        public void broadcast(String topic, byte[] payload) {
            for (String id : order) {
                if (!id.equals(ref.id())) {
                    send(id, topic, payload);
                }
            }
        }

        @Override
        public CompletionStage<AppMessage> request(String to, String topic, byte[] payload, Duration timeout) {
            return CompletableFuture.failedFuture(new AppException("the summarizer sends no requests"));
        }

        @Override
        public void log(String message) {
            log.add(message);
        }
    }

    /** Adds and starts a member; the first one added coordinates. */
    Member add(String id, String name, App app) {
        Member m = new Member(new MemberRef(id, name, order.isEmpty()), app);
        members.put(id, m);
        order.add(id);
        app.started(m);
        for (Member other : members.values()) {
            if (other != m) {
                other.inbox.execute(() -> other.app.memberJoined(m.ref));
            }
        }
        return m;
    }

    /** Removes a member as a node does when its process dies: it gets nothing more, the others are told it left. */
    void kill(String id) {
        Member gone = members.remove(id);
        order.remove(id);
        gone.inbox.shutdownNow();
        gone.app.stopped();
        for (Member m : members.values()) {
            m.inbox.execute(() -> m.app.memberLeft(gone.ref));
        }
    }

    @Override
    public void close() {
        for (Member m : members.values()) {
            m.app.stopped();
            m.inbox.shutdownNow();
        }
    }
}
