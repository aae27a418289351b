package org.ringfellow.examples.calculator.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.ringfellow.api.app.App;
import org.ringfellow.api.app.AppContext;
import org.ringfellow.api.app.AppException;
import org.ringfellow.api.app.AppMessage;
import org.ringfellow.api.app.MemberRef;

/**
 * An app's fellowship in memory: each member an {@link App} with its own context, requests
 * delivered on other threads as a node would, a member that can be silenced (it takes requests and
 * never answers, like a process that froze or died) or removed (the others get memberLeft).
 */
final class FakeFellowship implements AutoCloseable {

    final Map<String, Member> members = new ConcurrentHashMap<>();
    final List<String> order = new CopyOnWriteArrayList<>();
    private final ExecutorService delivery = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-node");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong ids = new AtomicLong();

    final class Member implements AppContext {
        final MemberRef ref;
        final App app;
        final List<String> log = new CopyOnWriteArrayList<>();
        /** Requests this member took and will never answer, when silenced. */
        final BlockingQueue<AppMessage> swallowed = new LinkedBlockingQueue<>();
        volatile boolean silent;
        volatile int answered;

        Member(MemberRef ref, App app) {
            this.ref = ref;
            this.app = app;
        }

        @Override
        public String appName() {
            return "calculator";
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
            throw new UnsupportedOperationException("the calculator sends no messages");
        }

        @Override
        public void broadcast(String topic, byte[] payload) {
            throw new UnsupportedOperationException("the calculator broadcasts nothing");
        }

        @Override
        public CompletionStage<AppMessage> request(String to, String topic, byte[] payload, Duration timeout) {
            CompletableFuture<AppMessage> f = new CompletableFuture<>();
            // as the node does: a request not answered in time fails
            f.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Member target = members.get(to);
            long id = ids.incrementAndGet();
            if (target == null) {
                f.completeExceptionally(new AppException("no member " + to));
                return f;
            }
            AppMessage request = new AppMessage(ref, topic, payload.clone(), id);
            if (target.silent) {
                target.swallowed.add(request);
                return f;
            }
            delivery.execute(() -> target.app.request(request).whenComplete((body, error) -> {
                if (error != null) {
                    f.completeExceptionally(new AppException("the app failed: " + error.getMessage()));
                } else {
                    target.answered++;
                    f.complete(new AppMessage(target.ref, topic, body, id));
                }
            }));
            return f;
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
        for (Member other : members.values()) {
            if (other != m) {
                other.app.memberJoined(m.ref);
            }
        }
        app.started(m);
        return m;
    }

    /** Removes a member as a node does when its process dies: the others are told it left. */
    void kill(String id) {
        Member gone = members.remove(id);
        order.remove(id);
        for (Member m : members.values()) {
            m.app.memberLeft(gone.ref);
        }
    }

    @Override
    public void close() {
        for (Member m : members.values()) {
            m.app.stopped();
        }
        delivery.shutdownNow();
    }
}
