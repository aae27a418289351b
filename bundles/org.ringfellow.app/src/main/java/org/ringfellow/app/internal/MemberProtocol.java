package org.ringfellow.app.internal;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.ringfellow.api.app.AppDescriptor;
import org.ringfellow.api.app.AppException;
import org.ringfellow.api.app.HttpRequest;
import org.ringfellow.api.app.HttpResponse;
import org.ringfellow.api.app.MemberRef;
import org.ringfellow.api.fellowship.Fellowship;
import org.ringfellow.api.fellowship.FellowshipMessage;

/**
 * What the engines of an app's members say to each other over its fellowship: one handler per
 * wire topic ({@link Wire}). Every body is decoded into a record and validated; a malformed
 * body, or a message on a topic nobody handles, is dropped and counted. Handlers run on the
 * app's lane; those that wait (an artifact read, scaling, stopping, undeploying) go on to the
 * engine's workers.
 */
final class MemberProtocol {

    /** What the handlers need of the engine. */
    interface Engine {
        /** Runs work that waits on the engine's workers. */
        void execute(Runnable task);

        /** Answers a request; a reply that cannot be sent is logged. */
        void reply(Fellowship f, FellowshipMessage request, byte[] payload);

        /** Counts and logs a dropped message. */
        void countMalformed(FellowshipMessage m, Exception e);

        /** Wakes whoever waits for a member status to change. */
        void statusChanged();

        /** Reads a chunk of the app's artifact for a member that asks. */
        byte[] chunk(AppRecord record, Wire.Fetch q) throws IOException;

        /** This node's record of an app, if any. */
        java.util.Optional<AppRecord> loadRecord(String app);

        /** Saves a record. */
        void saveRecord(AppRecord r);

        /** Resizes the app, this node being its coordinator. */
        void scaleAsCoordinator(String app, Fellowship f, int size) throws AppException;

        /** Undeploys the app, this node being its coordinator. */
        void undeployAsCoordinator(String app, Fellowship f) throws AppException;

        /** Stops this node's part and forgets the app. */
        void removeLocally(String app, String why);
    }

    /** One message to handle: for which app, over which fellowship, to which part, from whom. */
    record Inbound(String app, Fellowship fellowship, FellowshipMessage message, AppInstance part, MemberRef from) {
    }

    /** Handles one topic. */
    @FunctionalInterface
    interface Handler {
        void handle(Inbound in) throws IOException;
    }

    private final Engine engine;
    private final Map<String, Handler> handlers;

    MemberProtocol(Engine engine) {
        this.engine = engine;
        this.handlers = Map.ofEntries(
                Map.entry(Wire.MESSAGE, in -> in.part().onMessage(in.message(), in.from())),
                Map.entry(Wire.REQUEST, in -> in.part().onRequest(in.message(), in.from(),
                        p -> engine.reply(in.fellowship(), in.message(), p))),
                Map.entry(Wire.STATUS, this::status),
                Map.entry(Wire.RECORD, this::record),
                Map.entry(Wire.FETCH, this::fetch),
                Map.entry(Wire.HTTP, this::http),
                Map.entry(Wire.LOGS, this::logs),
                Map.entry(Wire.SIZE, this::size),
                Map.entry(Wire.SCALE, this::scale),
                Map.entry(Wire.STOP, this::stop),
                Map.entry(Wire.UNDEPLOY, this::undeploy));
    }

    /** The topics handled. */
    java.util.Set<String> topics() {
        return handlers.keySet();
    }

    /** Hands a message to its topic's handler; a malformed one or an unknown topic is counted. */
    void dispatch(Inbound in) {
        Handler h = handlers.get(in.message().topic());
        if (h == null) {
            engine.countMalformed(in.message(), new IOException("unknown topic " + in.message().topic()));
            return;
        }
        try {
            h.handle(in);
        } catch (IOException e) {
            engine.countMalformed(in.message(), e);
        }
    }

    /** {@code app.status}: the sender's own status (a status for another member is refused). */
    private void status(Inbound in) throws IOException {
        Wire.Status s = Wire.decode(in.message().payload(), Wire.Status.class);
        if (!s.node().equals(in.message().from().hex())) {
            throw new IOException("a status for another member");
        }
        in.part().statuses.put(s.node(), s.toMemberStatus());
        engine.statusChanged();
    }

    /** {@code app.record}: this node's record, or an empty answer while it has none. */
    private void record(Inbound in) {
        AppRecord r = in.part().record();
        engine.reply(in.fellowship(), in.message(), r == null ? new byte[0] : Wire.encode(r.withContainer(null)));
    }

    /** {@code app.fetch}: a chunk of the artifact (a file read, so on a worker). */
    private void fetch(Inbound in) {
        engine.execute(() -> {
            try {
                engine.reply(in.fellowship(), in.message(), engine.chunk(in.part().record(),
                        Wire.decode(in.message().payload(), Wire.Fetch.class)));
            } catch (IOException e) {
                engine.countMalformed(in.message(), e);
            }
        });
    }

    /**
     * {@code app.http}: a request for the app, which the coordinator serves, or, for an app whose
     * HTTP is {@link HttpMode#STATELESS}, any member whose part runs; a member of such an app whose
     * part does not run refuses with {@link Wire#NOT_SERVING}, so that the sender asks another.
     */
    private void http(Inbound in) throws IOException {
        HttpRequest req = Wire.decode(in.message().payload(), Wire.Http.class).toRequest();
        AppRecord record = in.part().record();
        if (record != null && record.http() == HttpMode.STATELESS) {
            if (!in.part().serving()) {
                engine.reply(in.fellowship(), in.message(), Wire.encode(Wire.HttpAnswer.of(new HttpResponse(503,
                        Map.of("Content-Type", "text/plain; charset=utf-8", Wire.NOT_SERVING, "1",
                                org.ringfellow.api.app.AppGateway.RETRY_AFTER, "2"),
                        ("app " + in.app() + " does not run on this member now; try again shortly\n")
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8)))));
                return;
            }
        } else if (!in.fellowship().isCoordinator()) {
            engine.reply(in.fellowship(), in.message(), Wire.encode(Wire.HttpAnswer.of(HttpResponse.text(503,
                    "text/plain", "this member is not the coordinator\n"))));
            return;
        }
        CompletableFuture<HttpResponse> answer;
        try {
            answer = in.part().http(req);
        } catch (RuntimeException e) {
            // answered, so that the member asking does not wait out its timeout
            answer = CompletableFuture.completedFuture(HttpResponse.text(502, "text/plain", "app " + in.app()
                    + ": the coordinator could not take the request: " + AppInstance.message(e) + "\n"));
        }
        answer.whenComplete((resp, e) -> engine.reply(in.fellowship(), in.message(),
                Wire.encode(Wire.HttpAnswer.of(resp != null ? resp : HttpResponse.text(502, "text/plain",
                        "app failed\n")))));
    }

    /** {@code app.logs}: a slice of this member's app log. */
    private void logs(Inbound in) throws IOException {
        Wire.LogRead q = Wire.decode(in.message().payload(), Wire.LogRead.class);
        engine.reply(in.fellowship(), in.message(), Wire.encode(in.part().log().read(q.offset())));
    }

    /** {@code app.size}: the size the coordinator scaled the app to, kept so that it outlives the coordinator. */
    private void size(Inbound in) throws IOException {
        Wire.Scale q = Wire.decode(in.message().payload(), Wire.Scale.class);
        if (!in.message().from().equals(in.fellowship().roster().coordinator()) || q.size() < 1
                || q.size() > AppDescriptor.MAX_SIZE) {
            throw new IOException("a size not from the coordinator, or out of range");
        }
        engine.loadRecord(in.app()).ifPresent(r -> engine.saveRecord(r.withSize(q.size())));
    }

    /** {@code app.scale}: a member asks the coordinator to resize the app. */
    private void scale(Inbound in) {
        engine.execute(() -> {
            try {
                Wire.Scale q = Wire.decode(in.message().payload(), Wire.Scale.class);
                if (!in.fellowship().isCoordinator()) {
                    throw new AppException("this member is not the coordinator");
                }
                if (q.size() < 1 || q.size() > AppDescriptor.MAX_SIZE) {
                    throw new AppException("app size must be 1.." + AppDescriptor.MAX_SIZE + ", got " + q.size());
                }
                engine.scaleAsCoordinator(in.app(), in.fellowship(), q.size());
                engine.reply(in.fellowship(), in.message(), Wire.encode(Wire.Answer.ok(new byte[0])));
            } catch (AppException | IOException e) {
                engine.reply(in.fellowship(), in.message(), Wire.encode(Wire.Answer.error(e.getMessage())));
            }
        });
    }

    /** {@code app.stop}: the coordinator undeploys; this member removes its part, then answers. */
    private void stop(Inbound in) {
        engine.execute(() -> {
            engine.removeLocally(in.app(), "undeployed by the coordinator");
            engine.reply(in.fellowship(), in.message(), Wire.encode(Wire.Answer.ok(new byte[0])));
        });
    }

    /** {@code app.undeploy}: a member asks the coordinator to undeploy the app. */
    private void undeploy(Inbound in) {
        engine.execute(() -> {
            try {
                if (!in.fellowship().isCoordinator()) {
                    throw new AppException("this member is not the coordinator");
                }
                engine.undeployAsCoordinator(in.app(), in.fellowship());
                engine.reply(in.fellowship(), in.message(), Wire.encode(Wire.Answer.ok(new byte[0])));
            } catch (AppException e) {
                engine.reply(in.fellowship(), in.message(), Wire.encode(Wire.Answer.error(e.getMessage())));
            }
        });
    }
}
