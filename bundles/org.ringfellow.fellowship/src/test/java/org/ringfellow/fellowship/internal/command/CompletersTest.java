package org.ringfellow.fellowship.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.fellowship.Fellowship;
import org.ringfellow.api.fellowship.FellowshipId;
import org.ringfellow.api.fellowship.FellowshipMember;
import org.ringfellow.api.fellowship.Roster;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.ring.Endpoint;

/** The fellowship commands' completers: their candidates, without a console. */
class CompletersTest {

    static final NodeId A = NodeId.ofPublicKey(new byte[] {1});
    static final NodeId B = NodeId.ofPublicKey(new byte[] {2});

    @Test
    void fellowshipIdsAreTheFellowshipsOfThisNode_sorted() {
        assertEquals(List.of("app-a", "calc"), FellowshipIdCompleter.ids(List.of(fellowship("calc", A), fellowship("app-a", A))));
        assertEquals(List.of(), FellowshipIdCompleter.ids(List.of()));
    }

    @Test
    void membersAreTheRostersShortIds_andTheStar() {
        List<String> expected = new java.util.ArrayList<>(List.of(A.shortId(), B.shortId()));
        expected.sort(null);
        expected.add("*");
        assertEquals(expected, MemberCompleter.members(fellowship("calc", B, A)));
    }

    @Test
    void theFellowshipIsTheFirstIdAfterTheCommand() {
        assertEquals(Optional.of(new FellowshipId("calc")),
                MemberCompleter.fellowshipOnLine(new String[] {"fellowship:send", "calc", ""}));
        assertEquals(Optional.of(new FellowshipId("calc")),
                MemberCompleter.fellowshipOnLine(new String[] {"send", "--verbose", "calc"}));
        assertEquals(Optional.empty(), MemberCompleter.fellowshipOnLine(new String[] {"fellowship:send"}));
        assertEquals(Optional.empty(), MemberCompleter.fellowshipOnLine(new String[] {"fellowship:send", "NOT AN ID"}));
    }

    /** A fellowship that only has an id and a roster; every other call fails the test. */
    static Fellowship fellowship(String id, NodeId... members) {
        FellowshipId fid = new FellowshipId(id);
        List<FellowshipMember> roster = java.util.Arrays.stream(members)
                .map(n -> new FellowshipMember(n, "key", new Endpoint("127.0.0.1", 1))).toList();
        Roster r = new Roster(fid, 1, 1, members[0], roster);
        return (Fellowship) Proxy.newProxyInstance(Fellowship.class.getClassLoader(), new Class<?>[] {Fellowship.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "id" -> fid;
                    case "roster" -> r;
                    case "toString" -> id;
                    default -> throw new AssertionError("not used: " + method.getName());
                });
    }
}
