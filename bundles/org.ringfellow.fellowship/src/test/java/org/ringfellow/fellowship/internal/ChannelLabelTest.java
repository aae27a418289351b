package org.ringfellow.fellowship.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.node.Labels;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.Resources;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.api.ring.Member;
import org.ringfellow.api.ring.MemberState;
import org.ringfellow.api.ring.ResourceAdvert;

/** Where a member's fellowship channel is dialled, from the labels of its Ring advert. */
class ChannelLabelTest {

    private static Member member(Map<String, String> labels) {
        return new Member(new NodeId("ab".repeat(32)), "n", new Endpoint("10.0.0.7", 7946), 1, MemberState.ALIVE,
                new ResourceAdvert(Resources.NONE, Resources.NONE, Set.of(), Set.of(), labels));
    }

    @Test
    void withoutLabelsTheDefaultPortOnTheRingAddress() {
        assertEquals(Optional.of(new Endpoint("10.0.0.7", Settings.DEFAULT_PORT)),
                FellowshipEngine.channelOf(member(Map.of())));
    }

    @Test
    void aPublishedPortIsOnTheRingAddress() {
        assertEquals(Optional.of(new Endpoint("10.0.0.7", 41234)),
                FellowshipEngine.channelOf(member(Map.of(Labels.FELLOWSHIP, "41234"))));
    }

    @Test
    void aPublishedHostAndPortIsTakenAsIs() {
        assertEquals(Optional.of(new Endpoint("192.0.2.1", 41234)),
                FellowshipEngine.channelOf(member(Map.of(Labels.FELLOWSHIP, "192.0.2.1:41234"))));
    }

    @Test
    void theOperatorsLabelWins() {
        assertEquals(Optional.of(new Endpoint("198.51.100.2", 9000)),
                FellowshipEngine.channelOf(member(Map.of(Settings.CHANNEL_LABEL, "198.51.100.2:9000",
                        Labels.FELLOWSHIP, "41234"))));
    }

    @Test
    void aMalformedLabelMeansNoChannel() {
        assertEquals(Optional.empty(),
                FellowshipEngine.channelOf(member(Map.of(Labels.FELLOWSHIP, "port"))));
        assertEquals(Optional.empty(),
                FellowshipEngine.channelOf(member(Map.of(Labels.FELLOWSHIP, "70000"))));
    }
}
