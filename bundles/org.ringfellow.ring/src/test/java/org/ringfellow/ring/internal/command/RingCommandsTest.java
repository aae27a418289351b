package org.ringfellow.ring.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.api.ring.Member;
import org.ringfellow.api.ring.MemberState;
import org.ringfellow.api.ring.ResourceAdvert;
import org.ringfellow.api.ring.Ring;
import org.ringfellow.api.ring.RingView;
import org.ringfellow.ring.internal.Seeds;

/** The ring commands' parsing, completion and tables, without a running Ring. */
class RingCommandsTest {

    private static Member member(char id, String name, String host, MemberState state) {
        return new Member(new NodeId(String.valueOf(id).repeat(64)), name, new Endpoint(host, Ring.DEFAULT_PORT), 1,
                state, ResourceAdvert.EMPTY);
    }

    @Test
    void aSeedWithoutAPortJoinsAtTheDefaultPort() {
        assertEquals(List.of(new Endpoint("10.0.0.1", Ring.DEFAULT_PORT), new Endpoint("10.0.0.2", 7000)),
                JoinCommand.parse(List.of("10.0.0.1", "10.0.0.2:7000")));
    }

    @Test
    void aSeedThatCannotBeReadIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JoinCommand.parse(List.of("10.0.0.1", "10.0.0.2:x")));
        assertTrue(e.getMessage().contains("'10.0.0.2:x'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> JoinCommand.parse(List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> JoinCommand.parse(Collections.nCopies(Seeds.MAX + 1, "10.0.0.1")));
    }

    @Test
    void seedsCompleteWithEveryOtherKnownMemberOnce() {
        Member self = member('a', "self", "10.0.0.1", MemberState.ALIVE);
        RingView view = RingView.of(3, self, List.of(self, member('b', "b", "10.0.0.3", MemberState.LEFT),
                member('c', "c", "10.0.0.2", MemberState.ALIVE), member('d', "d", "10.0.0.2", MemberState.DEAD)));
        assertEquals(List.of("10.0.0.2:7946", "10.0.0.3:7946"), SeedCompleter.seeds(view));
        assertEquals(List.of(), SeedCompleter.seeds(RingView.EMPTY));
    }

    @Test
    void aLongNodeNameDoesNotPushTheColumnsOutOfLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Format.table(List.of(member('a', "a-very-long-host-name-0123456789ab", "10.0.0.1", MemberState.ALIVE),
                member('b', "b", "10.0.0.2", MemberState.SUSPECT)), new PrintStream(bytes, true,
                StandardCharsets.UTF_8));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        int state = lines.get(0).indexOf("STATE");
        List<String> rows = lines.stream().filter(l -> l.contains("10.0.0.")).toList();
        assertEquals(2, rows.size(), String.join("\n", lines));
        assertTrue(rows.get(0).startsWith("ALIVE", state), String.join("\n", lines));
        assertTrue(rows.get(1).startsWith("SUSPECT", state), String.join("\n", lines));
    }

    @Test
    void membersShowTheirReachabilityInAColumnOfItsOwn() {
        Member mapped = new Member(new NodeId("e".repeat(64)), "e", new Endpoint("203.0.113.1", 7946), 1,
                MemberState.ALIVE, new ResourceAdvert(org.ringfellow.api.node.Resources.NONE,
                        org.ringfellow.api.node.Resources.NONE, java.util.Set.of(), java.util.Set.of(),
                        java.util.Map.of(org.ringfellow.ring.internal.codec.Reach.LABEL, "nat-mapped", "zone", "eu")));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Format.table(List.of(mapped, member('f', "f", "10.0.0.2", MemberState.ALIVE)),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        int reach = lines.get(0).indexOf("REACH");
        String e = lines.stream().filter(l -> l.contains("203.0.113.1")).findFirst().orElseThrow();
        String f = lines.stream().filter(l -> l.contains("10.0.0.2")).findFirst().orElseThrow();
        assertTrue(e.startsWith("nat-mapped", reach), String.join("\n", lines));
        assertTrue(f.startsWith("unknown", reach), String.join("\n", lines));
        assertTrue(e.contains("{zone=eu}"), "the reachability is not repeated among the labels: " + e);
    }
}
