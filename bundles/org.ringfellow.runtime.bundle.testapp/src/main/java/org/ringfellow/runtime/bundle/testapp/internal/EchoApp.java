package org.ringfellow.runtime.bundle.testapp.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.ringfellow.api.app.App;
import org.ringfellow.api.app.AppContext;
import org.ringfellow.api.app.AppMessage;
import org.ringfellow.api.app.HttpRequest;
import org.ringfellow.api.app.HttpResponse;
import org.ringfellow.api.app.MemberRef;

/**
 * Answers {@code echo} requests with the payload reversed, relays {@code relay} requests to the
 * member named in the payload, fails on {@code boom}, rebroadcasts messages, and logs the rest.
 */
public final class EchoApp implements App {

    private AppContext context;

    @Override
    public void started(AppContext ctx) {
        this.context = ctx;
        ctx.log("echo started as " + ctx.self().id() + " of " + ctx.appName() + " with " + ctx.members().size()
                + " members, coordinator=" + ctx.isCoordinator());
    }

    @Override
    public CompletionStage<byte[]> request(AppMessage request) {
        String text = new String(request.payload(), StandardCharsets.UTF_8);
        switch (request.topic()) {
            case "echo":
                return CompletableFuture.completedFuture(
                        new StringBuilder(text).reverse().toString().getBytes(StandardCharsets.UTF_8));
            case "relay":
                return context.request(text, "echo", "relayed".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(30))
                        .thenApply(reply -> ("relay got " + new String(reply.payload(), StandardCharsets.UTF_8)
                                + " from " + reply.from().id()).getBytes(StandardCharsets.UTF_8));
            case "boom":
                throw new IllegalStateException("boom on purpose");
            default:
                return App.super.request(request);
        }
    }

    @Override
    public void message(AppMessage message) {
        context.broadcast("seen", message.payload());
    }

    @Override
    public void memberJoined(MemberRef member) {
        context.log("joined " + member.id() + ", now " + context.members().size());
    }

    @Override
    public void coordinatorChanged(MemberRef coordinator) {
        context.log("coordinator " + coordinator.id() + ", me=" + context.isCoordinator());
    }

    @Override
    public CompletionStage<HttpResponse> http(HttpRequest request) {
        return CompletableFuture.completedFuture(HttpResponse.text(200, "text/plain",
                "echo " + request.method() + " " + request.path()));
    }

    @Override
    public void stopped() {
        context.log("echo stopping");
    }
}
