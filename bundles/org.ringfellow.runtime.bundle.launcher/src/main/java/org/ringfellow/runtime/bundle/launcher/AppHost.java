package org.ringfellow.runtime.bundle.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.ringfellow.api.app.App;
import org.ringfellow.api.app.AppContext;
import org.ringfellow.api.app.AppException;
import org.ringfellow.api.app.AppMessage;
import org.ringfellow.api.app.HttpResponse;
import org.ringfellow.api.app.MemberRef;
import org.ringfellow.app.bridge.BridgeClient;
import org.ringfellow.app.bridge.BridgeCommand;
import org.ringfellow.app.bridge.BridgeEvent;

/**
 * Feeds one {@link App} the bridge's events and carries its {@link AppContext} calls back. A
 * reading thread takes events off the bridge and completes the app's own pending requests at once
 * (so a handler may wait for a reply without blocking the events that carry it); every other event
 * goes through a bounded queue to the one thread that calls the app's handlers, in order.
 */
final class AppHost implements AppContext {

    private static final int QUEUE = 256;
    private static final BridgeEvent END = new BridgeEvent.Stopped();

    private final App app;
    private final BridgeClient client;
    private final BlockingQueue<BridgeEvent> events = new ArrayBlockingQueue<>(QUEUE);
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile String appName = "";
    private volatile MemberRef self = new MemberRef("unknown", "unknown", false);
    private volatile List<MemberRef> members = List.of();
    private volatile String coordinator = "";
    private volatile boolean done;

    private record Pending(String topic, CompletableFuture<AppMessage> future) {
    }

    AppHost(App app, BridgeClient client) {
        this.app = app;
        this.client = client;
    }

    /** Runs until the app is stopped or the node closes the bridge. */
    void run() {
        try {
            dispatchLoop();
        } finally {
            done = true;
        }
    }

    private void dispatchLoop() {
        Thread reader = new Thread(this::read, "ringfellow-bridge-reader");
        reader.setDaemon(true);
        reader.start();
        boolean started = false;
        while (true) {
            BridgeEvent e;
            try {
                e = events.take();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
            if (e instanceof BridgeEvent.Stopped) {
                if (started) {
                    call("stopped", app::stopped);
                }
                return;
            }
            if (e instanceof BridgeEvent.Started s) {
                appName = s.app();
                self = s.self();
                members = s.members();
                coordinator = s.coordinator();
                started = true;
                call("started", () -> app.started(this));
            } else if (!started) {
                log("an event came before started and was ignored: " + e.getClass().getSimpleName());
            } else {
                dispatch(e);
            }
        }
    }

    private void read() {
        try {
            while (true) {
                var next = client.next();
                if (next.isEmpty()) {
                    break;
                }
                BridgeEvent e = next.get();
                if (e instanceof BridgeEvent.Reply r) {
                    Pending p = pending.remove(r.id());
                    if (p != null) {
                        p.future().complete(new AppMessage(r.from(), p.topic(), r.payload(), r.id()));
                    }
                } else if (e instanceof BridgeEvent.RequestFailed f) {
                    Pending p = pending.remove(f.id());
                    if (p != null) {
                        p.future().completeExceptionally(new AppException(f.reason()));
                    }
                } else {
                    events.put(e);
                }
            }
        } catch (IOException e) {
            if (!done) {
                System.err.println("ringfellow launcher: the bridge failed: " + e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            events.put(END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void dispatch(BridgeEvent e) {
        if (e instanceof BridgeEvent.Message m) {
            call("message", () -> app.message(new AppMessage(m.from(), m.topic(), m.payload(), 0)));
        } else if (e instanceof BridgeEvent.Request r) {
            CompletionStage<byte[]> answer;
            try {
                answer = app.request(new AppMessage(r.from(), r.topic(), r.payload(), r.id()));
            } catch (RuntimeException ex) {
                answer = CompletableFuture.failedFuture(ex);
            }
            answer.whenComplete((body, error) -> {
                if (error != null || body == null) {
                    String why = error == null ? "the app answered null" : describe(error);
                    log("request " + r.id() + " on " + r.topic() + " failed: " + why);
                    send(new BridgeCommand.ReplyError(r.id(), why));
                } else {
                    send(new BridgeCommand.Reply(r.id(), body));
                }
            });
        } else if (e instanceof BridgeEvent.MemberJoined j) {
            List<MemberRef> now = new ArrayList<>(members);
            now.removeIf(m -> m.id().equals(j.member().id()));
            now.add(j.member());
            members = List.copyOf(now);
            call("memberJoined", () -> app.memberJoined(j.member()));
        } else if (e instanceof BridgeEvent.MemberLeft l) {
            List<MemberRef> now = new ArrayList<>(members);
            now.removeIf(m -> m.id().equals(l.member().id()));
            members = List.copyOf(now);
            call("memberLeft", () -> app.memberLeft(l.member()));
        } else if (e instanceof BridgeEvent.CoordinatorChanged c) {
            coordinator = c.coordinator().id();
            members = members.stream().map(m -> new MemberRef(m.id(), m.name(), m.id().equals(coordinator))).toList();
            self = new MemberRef(self.id(), self.name(), self.id().equals(coordinator));
            call("coordinatorChanged", () -> app.coordinatorChanged(c.coordinator()));
        } else if (e instanceof BridgeEvent.Http h) {
            CompletionStage<HttpResponse> answer;
            try {
                answer = app.http(h.request());
            } catch (RuntimeException ex) {
                answer = CompletableFuture.failedFuture(ex);
            }
            answer.whenComplete((response, error) -> {
                if (error != null || response == null) {
                    log("HTTP request " + h.id() + " failed: " + (error == null ? "null response" : describe(error)));
                    send(new BridgeCommand.HttpReply(h.id(), HttpResponse.text(500, "text/plain",
                            "the app failed to answer")));
                } else {
                    send(new BridgeCommand.HttpReply(h.id(), response));
                }
            });
        }
    }

    /** A handler that throws is logged; the app keeps running. */
    private void call(String handler, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException | LinkageError e) {
            log("handler " + handler + " threw " + describe(e));
            e.printStackTrace();
        }
    }

    private static String describe(Throwable t) {
        Throwable c = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
        String s = c.getClass().getName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
        return s.length() > 2000 ? s.substring(0, 2000) : s;
    }

    private void send(BridgeCommand c) {
        try {
            client.send(c);
        } catch (IOException e) {
            throw new UncheckedIOException("the bridge to the node is closed", e);
        }
    }

    @Override
    public String appName() {
        return appName;
    }

    @Override
    public MemberRef self() {
        return self;
    }

    @Override
    public List<MemberRef> members() {
        return members;
    }

    @Override
    public boolean isCoordinator() {
        return self.id().equals(coordinator);
    }

    @Override
    public void send(String to, String topic, byte[] payload) {
        send(new BridgeCommand.Send(to, topic, payload));
    }

    @Override
    public void broadcast(String topic, byte[] payload) {
        send(new BridgeCommand.Broadcast(topic, payload));
    }

    @Override
    public CompletionStage<AppMessage> request(String to, String topic, byte[] payload, Duration timeout) {
        long id = ids.incrementAndGet();
        long millis = Math.max(1, Math.min(timeout.toMillis(), 600_000));
        CompletableFuture<AppMessage> f = new CompletableFuture<>();
        pending.put(id, new Pending(topic, f));
        // the node times the request out; this is the guard for a node that never answers
        f.orTimeout(millis + 5_000, TimeUnit.MILLISECONDS).whenComplete((m, e) -> pending.remove(id));
        try {
            send(new BridgeCommand.Request(id, to, topic, payload, millis));
        } catch (RuntimeException e) {
            pending.remove(id);
            f.completeExceptionally(e);
        }
        return f;
    }

    @Override
    public void log(String message) {
        String m = message.length() > 8000 ? message.substring(0, 8000) : message;
        try {
            client.send(new BridgeCommand.Log(m));
        } catch (IOException e) {
            System.err.println(m);
        }
    }
}
