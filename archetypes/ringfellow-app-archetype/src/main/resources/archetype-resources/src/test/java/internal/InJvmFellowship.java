package ${package}.internal;

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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.ringfellow.api.app.App;
import org.ringfellow.api.app.AppContext;
import org.ringfellow.api.app.AppException;
import org.ringfellow.api.app.AppMessage;
import org.ringfellow.api.app.HttpRequest;
import org.ringfellow.api.app.HttpResponse;
import org.ringfellow.api.app.MemberRef;

/**
 * An app's fellowship in one JVM, for tests: each member an {@link App} with a context of its
 * own and a thread of its own, on which its handlers run one at a time and in order, as the
 * runtime calls them in a member's container. Messages and requests cross from thread to thread
 * as they cross from node to node; a request not answered in time fails, as on a node; a killed
 * member gets nothing more and the others are told it left.
 */
final class InJvmFellowship implements AutoCloseable {

    private final String appName;
    private final Map<String, Member> members = new ConcurrentHashMap<>();
    private final List<String> order = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong();

    InJvmFellowship(String appName) {
        this.appName = appName;
    }

    /** One member: its app, its handler thread and what it logged. */
    final class Member implements AppContext {
        final MemberRef ref;
        final App app;
        final List<String> log = new CopyOnWriteArrayList<>();
        private final ExecutorService handlers;

        Member(MemberRef ref, App app) {
            this.ref = ref;
            this.app = app;
            this.handlers = Executors.newSingleThreadExecutor(r -> new Thread(r, "member-" + ref.name()));
        }

        /** Runs a handler on this member's thread. */
        private <T> CompletableFuture<T> call(Supplier<CompletionStage<T>> handler) {
            return CompletableFuture.supplyAsync(handler, handlers).thenCompose(s -> s);
        }

        /** An HTTP request, as the ingress hands it to the coordinator. */
        CompletableFuture<HttpResponse> http(String method, String path, byte[] body) {
            return call(() -> app.http(new HttpRequest(method, path, "", Map.of(), body)));
        }

        @Override
        public String appName() {
            return appName;
        }

        @Override
        public MemberRef self() {
            return ref;
        }

        @Override
        public List<MemberRef> members() {
            List<MemberRef> out = new ArrayList<>();
            for (String id : order) {
                Member m = members.get(id);
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
            if (target != null) {
                AppMessage m = new AppMessage(ref, topic, payload.clone(), 0);
                target.handlers.execute(() -> target.app.message(m));
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
            Member target = members.get(to);
            if (target == null) {
                return CompletableFuture.failedFuture(new AppException("no member " + to));
            }
            long id = ids.incrementAndGet();
            AppMessage request = new AppMessage(ref, topic, payload.clone(), id);
            return target.call(() -> target.app.request(request))
                    .thenApply(body -> new AppMessage(target.ref, topic, body, id))
                    .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void log(String message) {
            log.add(message);
        }
    }

    /** Adds and starts a member; the first one added coordinates; the others are told it joined. */
    Member add(String id, String name, App app) {
        Member m = new Member(new MemberRef(id, name, order.isEmpty()), app);
        for (Member other : members.values()) {
            other.handlers.execute(() -> other.app.memberJoined(m.ref));
        }
        members.put(id, m);
        order.add(id);
        m.call(() -> {
            app.started(m);
            return CompletableFuture.completedFuture(null);
        }).join();
        return m;
    }

    /** Removes a member as a node does when its process dies: the others are told it left. */
    void kill(String id) {
        Member gone = members.remove(id);
        order.remove(id);
        gone.handlers.shutdownNow();
        for (Member m : members.values()) {
            m.handlers.execute(() -> m.app.memberLeft(gone.ref));
        }
    }

    @Override
    public void close() {
        for (Member m : members.values()) {
            m.handlers.execute(m.app::stopped);
            m.handlers.shutdown();
        }
    }
}
