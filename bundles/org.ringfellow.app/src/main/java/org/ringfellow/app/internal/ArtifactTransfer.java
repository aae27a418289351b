package org.ringfellow.app.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import org.ringfellow.api.fellowship.Fellowship;
import org.ringfellow.api.fellowship.FellowshipMember;
import org.ringfellow.api.fellowship.FellowshipMessage;
import org.ringfellow.api.fellowship.FellowshipService;
import org.ringfellow.api.node.NodeId;

/**
 * How a member gets what it needs to start its part from the others: the app's record
 * ({@code app.record}) and its artifact in chunks of {@value Wire#CHUNK} bytes ({@code app.fetch}),
 * asked of the coordinator first, then the other members in roster order, retried until the
 * fetch time is over. An artifact is written to a temporary file and stored only if its SHA-256
 * is the record's digest. The other side, {@link #chunk}, reads a chunk for a member that asks.
 * Runs on the engine's workers: every call here waits for the network.
 */
final class ArtifactTransfer {

    private final FellowshipService fellowships;
    private final ArtifactStore artifacts;
    private final NodeId self;
    private final Duration fetch;
    private final BooleanSupplier closed;

    ArtifactTransfer(FellowshipService fellowships, ArtifactStore artifacts, NodeId self, Duration fetch,
            BooleanSupplier closed) {
        this.fellowships = fellowships;
        this.artifacts = artifacts;
        this.self = self;
        this.fetch = fetch;
        this.closed = closed;
    }

    /** The record from the coordinator (or any member that has it), retried until the fetch time is over. */
    AppRecord fetchRecord(String name) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + fetch.toNanos();
        String last = "no member answered";
        while (System.nanoTime() - deadline < 0 && !closed.getAsBoolean()) {
            Fellowship f = fellowship(name);
            for (NodeId to : sources(f)) {
                try {
                    FellowshipMessage reply = f.request(to, Wire.RECORD, new byte[0], Duration.ofSeconds(5))
                            .toCompletableFuture().get();
                    if (reply.payload().length > 0) {
                        AppRecord r = Wire.decode(reply.payload(), AppRecord.class);
                        if (!r.name().equals(name)) {
                            throw new IOException("a record for another app: " + r.name());
                        }
                        return r;
                    }
                    last = to.shortId() + " has no record yet";
                } catch (ExecutionException | IOException e) {
                    last = to.shortId() + ": " + AppInstance.message(e);
                }
            }
            Thread.sleep(500);
        }
        throw new IOException("could not get the app's record: " + last);
    }

    /** The artifact, chunk by chunk, from the coordinator or another member; stored once its digest checks. */
    void fetchArtifact(String name, AppRecord r) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + fetch.toNanos();
        String last = "no member answered";
        while (System.nanoTime() - deadline < 0 && !closed.getAsBoolean()) {
            Fellowship f = fellowship(name);
            for (NodeId from : sources(f)) {
                Path tmp = artifacts.tempFile();
                try (var out = Files.newOutputStream(tmp)) {
                    long offset = 0;
                    while (offset < r.length()) {
                        FellowshipMessage reply = f.request(from, Wire.FETCH,
                                Wire.encode(new Wire.Fetch(r.digest(), offset)), Duration.ofSeconds(10))
                                .toCompletableFuture().get();
                        byte[] chunk = reply.payload();
                        if (chunk.length == 0 || chunk.length > Wire.CHUNK || offset + chunk.length > r.length()) {
                            throw new IOException("bad chunk of " + chunk.length + " bytes at " + offset);
                        }
                        out.write(chunk);
                        offset += chunk.length;
                    }
                    out.close();
                    artifacts.putVerified(tmp, r.digest());
                    return;
                } catch (ExecutionException | IOException e) {
                    last = from.shortId() + ": " + AppInstance.message(e);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
            Thread.sleep(500);
        }
        throw new IOException("could not fetch the artifact: " + last);
    }

    /**
     * A chunk of this app's artifact for a member that asks.
     *
     * @param record this node's record of the app, or null if it has none yet
     * @throws IOException if the digest is not the app's, or the offset is out of range
     */
    byte[] chunk(AppRecord record, Wire.Fetch q) throws IOException {
        if (record == null || !record.digest().equals(q.digest())) {
            throw new IOException("not this app's artifact: " + q.digest());
        }
        return artifacts.read(q.digest(), q.offset());
    }

    private Fellowship fellowship(String name) throws IOException {
        Optional<Fellowship> f = fellowships.get(AppRecord.fellowshipOf(name));
        if (f.isEmpty()) {
            throw new IOException("this node is no longer in the app's fellowship");
        }
        return f.get();
    }

    /** Whom to ask for the record or artifact: the coordinator first, then the others in roster order. */
    List<NodeId> sources(Fellowship f) {
        List<NodeId> out = new ArrayList<>();
        out.add(f.roster().coordinator());
        for (FellowshipMember m : f.roster().members()) {
            if (!out.contains(m.node())) {
                out.add(m.node());
            }
        }
        out.remove(self);
        return out;
    }
}
