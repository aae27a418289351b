package ${package}.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.ringfellow.api.app.App;
import org.ringfellow.api.app.AppContext;
import org.ringfellow.api.app.AppException;
import org.ringfellow.api.app.AppMessage;
import org.ringfellow.api.app.HttpRequest;
import org.ringfellow.api.app.HttpResponse;
import org.ringfellow.api.app.MemberRef;

/**
 * The ${appName} app: every member keeps the notes it is told. The coordinator answers HTTP
 * (through any node's ingress, at {@code /apps/${appName}/}):
 *
 * <ul>
 *   <li>{@code POST /notes} with a note as the body: kept, and broadcast to every other member,
 *       whose message handler keeps it too;</li>
 *   <li>{@code GET /notes}: the notes the coordinator holds, one a line;</li>
 *   <li>{@code GET /members}: how many notes each member holds, asked of each by a request.</li>
 * </ul>
 *
 * The runtime calls the handlers of one member one at a time, so the notes need no lock.
 */
public final class ${appClass} implements App {

    /** The topic of a note broadcast to the members. */
    static final String NOTE = "note";
    /** The topic of the request for a member's count of notes. */
    static final String COUNT = "count";
    /** Notes a member keeps; the oldest goes first. */
    static final int MAX_NOTES = 100;
    /** The largest note, in bytes. */
    static final int MAX_NOTE_BYTES = 1024;
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);

    private final Deque<String> notes = new ArrayDeque<>();
    private AppContext context;

    @Override
    public void started(AppContext ctx) {
        context = ctx;
        ctx.log(ctx.self().name() + " started, one of " + ctx.members().size());
    }

    @Override
    public void message(AppMessage message) {
        if (NOTE.equals(message.topic()) && message.payload().length <= MAX_NOTE_BYTES) {
            keep(new String(message.payload(), StandardCharsets.UTF_8));
        } else {
            context.log("dropped a message on topic '" + message.topic() + "' from " + message.from().name());
        }
    }

    @Override
    public CompletionStage<byte[]> request(AppMessage request) {
        if (!COUNT.equals(request.topic())) {
            return CompletableFuture.failedFuture(new AppException("no request on topic '" + request.topic() + "'"));
        }
        return CompletableFuture.completedFuture(Integer.toString(notes.size()).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public CompletionStage<HttpResponse> http(HttpRequest request) {
        switch (request.path()) {
            case "/":
                return text(200, "${appName} on " + context.members().size() + " member(s), coordinator "
                        + context.self().name() + "\n");
            case "/notes":
                if (request.method().equals("GET")) {
                    return text(200, String.join("\n", notes) + (notes.isEmpty() ? "" : "\n"));
                }
                if (request.method().equals("POST")) {
                    return post(request.body());
                }
                return text(405, "GET or POST\n");
            case "/members":
                return request.method().equals("GET") ? counts() : text(405, "GET only\n");
            default:
                return text(404, "no " + request.path() + "\n");
        }
    }

    private CompletionStage<HttpResponse> post(byte[] body) {
        if (body.length == 0 || body.length > MAX_NOTE_BYTES) {
            return text(body.length == 0 ? 400 : 413, "a note is 1 to " + MAX_NOTE_BYTES + " bytes, got "
                    + body.length + "\n");
        }
        keep(new String(body, StandardCharsets.UTF_8));
        context.broadcast(NOTE, body);
        return text(201, "kept, and sent to " + (context.members().size() - 1) + " other member(s)\n");
    }

    /** Asks every other member for its count; one that does not answer is shown as such. */
    private CompletionStage<HttpResponse> counts() {
        List<CompletableFuture<String>> answers = new ArrayList<>();
        answers.add(CompletableFuture.completedFuture(context.self().name() + ": " + notes.size()));
        for (MemberRef m : context.members()) {
            if (!m.id().equals(context.self().id())) {
                answers.add(context.request(m.id(), COUNT, new byte[0], ASK_TIMEOUT).toCompletableFuture()
                        .thenApply(r -> m.name() + ": " + new String(r.payload(), StandardCharsets.UTF_8))
                        .exceptionally(e -> m.name() + ": no answer"));
            }
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(done -> {
            StringBuilder sb = new StringBuilder();
            answers.forEach(a -> sb.append(a.join()).append('\n'));
            return HttpResponse.text(200, "text/plain", sb.toString());
        });
    }

    private void keep(String note) {
        if (notes.size() == MAX_NOTES) {
            notes.removeFirst();
        }
        notes.addLast(note);
    }

    private static CompletionStage<HttpResponse> text(int status, String body) {
        return CompletableFuture.completedFuture(HttpResponse.text(status, "text/plain", body));
    }
}
