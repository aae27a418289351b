package org.ringfellow.fellowship.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.fellowship.AdmissionPolicy;
import org.ringfellow.api.fellowship.FellowshipId;
import org.ringfellow.api.fellowship.FellowshipSpec;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.Resources;
import org.ringfellow.api.ring.ResourceQuery;

class AdmissionAndSettingsTest {

    static final NodeId FOUNDER = new NodeId("a".repeat(64));
    static final NodeId OTHER = new NodeId("b".repeat(64));
    static final Resources CONTRIBUTED = new Resources(4000, 4L << 30, 100L << 30);

    static FellowshipSpec spec(Resources each, Map<String, String> labels) {
        return new FellowshipSpec(new FellowshipId("f"), 3, new ResourceQuery(each, Set.of(), Set.of(), labels,
                Set.of(), 10), each, Duration.ofSeconds(5));
    }

    static Optional<String> decide(AdmissionPolicy p, NodeId founder, FellowshipSpec s, int memberships,
            Resources reserved) {
        return Admission.refusal(p, founder, s, memberships, reserved, CONTRIBUTED);
    }

    @Test
    void givenPolicies_whenInvited_thenEachRuleRefusesWithItsOwnReason() {
        Resources one = new Resources(1000, 1L << 30, 1L << 30);
        assertEquals(Optional.empty(), decide(AdmissionPolicy.OPEN, FOUNDER, spec(one, Map.of()), 0, Resources.NONE));
        assertTrue(decide(new AdmissionPolicy(8, 100, Set.of(), Set.of(FOUNDER), Map.of()), FOUNDER,
                spec(one, Map.of()), 0, Resources.NONE).orElseThrow().contains("refused"));
        assertTrue(decide(new AdmissionPolicy(8, 100, Set.of(OTHER), Set.of(), Map.of()), FOUNDER,
                spec(one, Map.of()), 0, Resources.NONE).orElseThrow().contains("not among the allowed"));
        assertEquals(Optional.empty(), decide(new AdmissionPolicy(8, 100, Set.of(FOUNDER), Set.of(), Map.of()),
                FOUNDER, spec(one, Map.of()), 0, Resources.NONE));
        assertTrue(decide(new AdmissionPolicy(2, 100, Set.of(), Set.of(), Map.of()), FOUNDER, spec(one, Map.of()), 2,
                Resources.NONE).orElseThrow().contains("already belongs to 2"));
        assertTrue(decide(new AdmissionPolicy(8, 100, Set.of(), Set.of(), Map.of("project", "x")), FOUNDER,
                spec(one, Map.of("project", "y")), 0, Resources.NONE).orElseThrow().contains("project=x"));
        assertEquals(Optional.empty(), decide(new AdmissionPolicy(8, 100, Set.of(), Set.of(), Map.of("project", "x")),
                FOUNDER, spec(one, Map.of("project", "x", "zone", "eu")), 0, Resources.NONE));
        // Half of 4 cores may be lent: 1 core with 1 already reserved fits, with 1.5 reserved it does not.
        AdmissionPolicy half = new AdmissionPolicy(8, 50, Set.of(), Set.of(), Map.of());
        assertEquals(Optional.empty(), decide(half, FOUNDER, spec(one, Map.of()), 1, new Resources(1000, 0, 0)));
        assertTrue(decide(half, FOUNDER, spec(one, Map.of()), 1, new Resources(1500, 0, 0)).orElseThrow()
                .contains("50%"));
        assertTrue(decide(AdmissionPolicy.OPEN, FOUNDER, spec(new Resources(1, 5L << 30, 0), Map.of()), 0,
                Resources.NONE).isPresent(), "more memory than contributed");
    }

    @Test
    void givenConfiguration_whenParsed_thenValuesAreReadAndBadOnesNamed() {
        Settings s = Settings.parse(Map.of("maxFellowships", "3", "lendPercent", "40", "refusedFounders",
                OTHER.hex() + " , " + FOUNDER.hex(), "requiredLabels", "project=x,zone=eu", "channelPort", "0",
                "advertisedHost", "10.0.0.5"));
        assertEquals(new AdmissionPolicy(3, 40, Set.of(), Set.of(OTHER, FOUNDER), Map.of("project", "x", "zone", "eu")),
                s.policy());
        assertEquals(0, s.port());
        assertEquals(Optional.of("10.0.0.5"), s.advertisedHost());
        assertEquals(Settings.defaults(), Settings.parse(Map.of()));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Settings.parse(Map.of("lendPercent", "150")))
                .getMessage().contains("lendPercent"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Settings.parse(Map.of("maxFellowships", "many")))
                .getMessage().contains("maxFellowships"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Settings.parse(Map.of("allowedFounders", "abc")))
                .getMessage().contains("allowedFounders"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Settings.parse(Map.of("requiredLabels", "A B")))
                .getMessage().contains("label"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Settings.parse(Map.of("channelPort", "70000")))
                .getMessage().contains("channelPort"));
    }
}
