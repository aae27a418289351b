package org.ringfellow.ring.internal.transport.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.nio.NioEventLoopGroup;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.ring.MemberState;
import org.ringfellow.api.ring.ResourceAdvert;
import org.ringfellow.ring.internal.RingRuntime;
import org.ringfellow.ring.internal.config.RingConfig;
import org.ringfellow.ring.internal.crypto.LocalIdentity;
import org.ringfellow.ring.internal.crypto.SignatureVerifier;

/** A few members on real UDP and TCP sockets on 127.0.0.1; polls with generous timeouts, asserts no timing. */
class LoopbackRingTest {

    private static final RingConfig FAST = RingConfig.defaultLanConfig().withProbeIntervalMillis(200)
            .withProbeTimeoutMillis(100).withGossipIntervalMillis(50).withPushPullIntervalMillis(2_000);

    private final NioEventLoopGroup group = new NioEventLoopGroup(2);
    private final List<RingRuntime> members = new ArrayList<>();
    private final SignatureVerifier verifier = new SignatureVerifier(10_000);

    @AfterEach
    void tearDown() {
        members.forEach(RingRuntime::stop);
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private RingRuntime member(int i) throws IOException {
        RingRuntime r = RingRuntime.start(group.next(), FAST, LocalIdentity.generate(LocalIdentity.seeded(100 + i)),
                "m" + i, ResourceAdvert.EMPTY, "127.0.0.1", 0, "", 0, verifier, e -> { });
        members.add(r);
        return r;
    }

    private static boolean poll(BooleanSupplier condition, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return condition.getAsBoolean();
    }

    private static int count(RingRuntime r, MemberState state) {
        try {
            return r.call(s -> s.countInState(state));
        } catch (IOException e) {
            return -1;
        }
    }

    private static MemberState stateOf(RingRuntime viewer, RingRuntime subject) {
        try {
            var id = subject.call(s -> s.id());
            return viewer.call(s -> s.stateOf(id));
        } catch (IOException e) {
            return null;
        }
    }

    @Test
    void givenFiveMembersOnLoopback_whenTheyJoinAndOneCrashes_thenAllSeeItDeadAndGarbageIsDropped() throws Exception {
        RingRuntime seed = member(0);
        for (int i = 1; i < 5; i++) {
            assertEquals(1, member(i).join(List.of(seed.address()), 10_000), "the seed should answer");
        }
        assertTrue(poll(() -> members.stream().allMatch(m -> count(m, MemberState.ALIVE) == 5), 30_000),
                "all five should see five alive members");

        // Garbage on the UDP port is dropped and counted; the member keeps working.
        byte[] junk = new byte[300];
        new Random(1).nextBytes(junk);
        try (DatagramSocket s = new DatagramSocket()) {
            s.send(new DatagramPacket(junk, junk.length, InetAddress.getByName("127.0.0.1"), seed.address().port()));
            byte[] big = new byte[1_800];
            s.send(new DatagramPacket(big, big.length, InetAddress.getByName("127.0.0.1"), seed.address().port()));
        }
        assertTrue(poll(() -> {
            try {
                var drops = seed.call(sw -> sw.counters().drops());
                return drops.getOrDefault("bad-magic", 0L) >= 1 && drops.getOrDefault("oversized", 0L) >= 1;
            } catch (IOException e) {
                return false;
            }
        }, 10_000), "garbage should be counted as dropped");

        RingRuntime victim = members.get(3);
        victim.stop();
        List<RingRuntime> survivors = new ArrayList<>(members);
        survivors.remove(victim);
        assertTrue(poll(() -> survivors.stream().allMatch(m -> stateOf(m, victim) == MemberState.DEAD), 60_000),
                "every survivor should declare the crashed member dead");
        assertTrue(survivors.stream().allMatch(m -> count(m, MemberState.ALIVE) == 4));
    }

    @Test
    void givenARingOnLoopback_whenAMemberLeaves_thenTheOthersSeeItLeft() throws Exception {
        RingRuntime seed = member(10);
        RingRuntime b = member(11);
        RingRuntime c = member(12);
        b.join(List.of(seed.address()), 10_000);
        c.join(List.of(seed.address()), 10_000);
        assertTrue(poll(() -> members.stream().allMatch(m -> count(m, MemberState.ALIVE) == 3), 30_000));
        c.leave(10_000);
        assertTrue(poll(() -> stateOf(seed, c) == MemberState.LEFT && stateOf(b, c) == MemberState.LEFT, 30_000));
    }
}
