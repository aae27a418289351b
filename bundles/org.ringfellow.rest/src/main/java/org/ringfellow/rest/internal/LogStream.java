package org.ringfellow.rest.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.servlet.AsyncContext;
import javax.servlet.AsyncEvent;
import javax.servlet.AsyncListener;
import javax.servlet.ServletOutputStream;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.ringfellow.api.app.AppException;
import org.ringfellow.api.app.AppService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams an app member's log as Server-Sent Events: each new piece of the log is one
 * {@code log} event (its lines as {@code data:} lines, its {@code id} the offset to resume from,
 * which a client's {@code Last-Event-ID} gives back), a comment every 15 s keeps proxies from
 * closing an idle stream, and an {@code end} event says why the stream stopped (the app is
 * gone, or the stream reached its longest life). The log is polled on a small pool of the
 * servlet's own, never on a Jetty thread; streams are bounded in number and in duration.
 */
final class LogStream {

    /** The most streams open at once on a node. */
    static final int MAX_STREAMS = 16;
    /** A stream's longest life; the client reconnects with {@code Last-Event-ID}. */
    static final Duration MAX_LIFE = Duration.ofHours(1);
    static final Duration POLL = Duration.ofMillis(500);
    static final Duration KEEPALIVE = Duration.ofSeconds(15);
    /** The most log text one event carries. */
    static final int MAX_EVENT_CHARS = 64 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(LogStream.class);

    private final ScheduledExecutorService pool;
    private final Semaphore slots = new Semaphore(MAX_STREAMS);
    private final Set<Stream> open = ConcurrentHashMap.newKeySet();

    LogStream(ScheduledExecutorService pool) {
        this.pool = pool;
    }

    /**
     * Starts streaming, or refuses with 503 when {@link #MAX_STREAMS} are open.
     *
     * @throws ApiException 503 if no stream is free
     */
    void start(Api.Follow follow, HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!slots.tryAcquire()) {
            throw new ApiException(503, "already " + MAX_STREAMS + " log streams open on this node; try again later");
        }
        try {
            long offset = follow.offset();
            String last = req.getHeader("Last-Event-ID");
            if (last != null && !last.isEmpty() && last.length() <= 18 && last.chars().allMatch(Character::isDigit)) {
                offset = Long.parseLong(last);
            }
            resp.setStatus(200);
            resp.setContentType("text/event-stream");
            resp.setCharacterEncoding("UTF-8");
            resp.setHeader("Cache-Control", "no-store");
            resp.setHeader("X-Content-Type-Options", "nosniff");
            resp.flushBuffer();
            AsyncContext ctx = req.startAsync();
            ctx.setTimeout(0);
            new Stream(follow, offset, ctx, resp.getOutputStream()).begin();
        } catch (IOException | RuntimeException e) {
            slots.release();
            throw e;
        }
    }

    /** Ends every open stream (the API is going away). */
    void closeAll() {
        List.copyOf(open).forEach(Stream::end);
    }

    /** How many streams are open. */
    int open() {
        return open.size();
    }

    /** One open stream: polls, writes, and ends once, whichever way it ends. */
    private final class Stream implements Runnable, AsyncListener {
        private final Api.Follow follow;
        private final AsyncContext ctx;
        private final ServletOutputStream out;
        private final long deadline = System.nanoTime() + MAX_LIFE.toNanos();
        private long offset;
        private long lastWrite = System.nanoTime();
        private volatile ScheduledFuture<?> task;
        private boolean ended;

        Stream(Api.Follow follow, long offset, AsyncContext ctx, ServletOutputStream out) {
            this.follow = follow;
            this.offset = offset;
            this.ctx = ctx;
            this.out = out;
        }

        void begin() {
            open.add(this);
            ctx.addListener(this);
            task = pool.scheduleWithFixedDelay(this, 0, POLL.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public synchronized void run() {
            if (ended) {
                return;
            }
            try {
                if (System.nanoTime() - deadline > 0) {
                    write(event("end", null, "the stream reached its longest life of " + MAX_LIFE.toMinutes()
                            + " minutes; reconnect to go on"));
                    end();
                    return;
                }
                AppService.LogSlice slice;
                try {
                    slice = follow.apps().logs(follow.name(), follow.member(), offset);
                } catch (AppException e) {
                    write(event("end", null, e.getMessage()));
                    end();
                    return;
                }
                if (!slice.text().isEmpty()) {
                    String text = slice.text();
                    for (int i = 0; i < text.length(); i += MAX_EVENT_CHARS) {
                        String piece = text.substring(i, Math.min(text.length(), i + MAX_EVENT_CHARS));
                        boolean lastPiece = i + MAX_EVENT_CHARS >= text.length();
                        write(event("log", lastPiece ? Long.toString(slice.nextOffset()) : null, piece));
                    }
                    offset = slice.nextOffset();
                } else if (System.nanoTime() - lastWrite > KEEPALIVE.toNanos()) {
                    write(": keep-alive\n\n");
                }
            } catch (IOException | RuntimeException e) {
                // the client went away (or the app engine failed): nothing more to send
                LOG.debug("Log stream of {} ended: {}", follow.name(), e.toString());
                end();
            }
        }

        private void write(String frame) throws IOException {
            out.write(frame.getBytes(StandardCharsets.UTF_8));
            out.flush();
            lastWrite = System.nanoTime();
        }

        private synchronized void end() {
            if (ended) {
                return;
            }
            ended = true;
            open.remove(this);
            ScheduledFuture<?> t = task;
            if (t != null) {
                t.cancel(false);
            }
            slots.release();
            try {
                ctx.complete();
            } catch (IllegalStateException e) {
                // already completed by the container
            }
        }

        @Override
        public void onComplete(AsyncEvent event) {
            end();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            end();
        }

        @Override
        public void onError(AsyncEvent event) {
            end();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
        }
    }

    /**
     * One Server-Sent Event: its type, its id if any, and the text as {@code data:} lines (a
     * CR, LF or CRLF ends a line; a final line break adds no empty line).
     */
    static String event(String type, String id, String text) {
        StringBuilder b = new StringBuilder("event: ").append(type).append('\n');
        if (id != null) {
            b.append("id: ").append(id).append('\n');
        }
        String body = text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
                : text.endsWith("\n") || text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
        for (String line : body.split("\r\n|\r|\n", -1)) {
            b.append("data: ").append(line).append('\n');
        }
        return b.append('\n').toString();
    }
}
