package org.ringfellow.node.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NodeSettingsTest {

    private static final NodeSettings DEFAULTS = NodeSettings.defaults("host.example");

    @ParameterizedTest
    @CsvSource({"0,0", "1024,1024", "512m,536870912", "2g,2147483648", "2GiB,2147483648", "4 GB,4294967296",
            "1k,1024", "1t,1099511627776"})
    void givenSizeWithUnit_whenParsed_thenBytesArePowersOf1024(String text, long bytes) {
        assertEquals(bytes, NodeSettings.parseSize("memory", text));
    }

    @Test
    void givenNegativeMemory_whenParsed_thenRefusedNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NodeSettings.parse(Map.of("memory", "-1g"), DEFAULTS));
        assertTrue(e.getMessage().contains("memory") && e.getMessage().contains("negative"), e.getMessage());
    }

    @Test
    void givenUnknownUnit_whenParsed_thenRefusedNamingTheUnit() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NodeSettings.parse(Map.of("disk", "20x"), DEFAULTS));
        assertTrue(e.getMessage().contains("unknown unit 'x'"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "1.2345", "-1", "5000", "1e3"})
    void givenBadCpus_whenParsed_thenRefused(String cpus) {
        assertThrows(IllegalArgumentException.class, () -> NodeSettings.parse(Map.of("cpus", cpus), DEFAULTS));
    }

    @Test
    void givenHugeSize_whenParsed_thenRefusedInsteadOfOverflowing() {
        assertThrows(IllegalArgumentException.class, () -> NodeSettings.parseSize("disk", "9999999999999t"));
    }

    @Test
    void givenFullConfig_whenParsed_thenEveryValueIsTaken() {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put("name", "alice-laptop");
        cfg.put("cpus", "1.5");
        cfg.put("memory", "2g");
        cfg.put("disk", "20g");
        cfg.put("labels", "zone=eu, owner=alice");
        NodeSettings s = NodeSettings.parse(cfg, DEFAULTS);
        assertEquals("alice-laptop", s.name());
        assertEquals(1500, s.contributed().milliCpus());
        assertEquals(2L << 30, s.contributed().memoryBytes());
        assertEquals(20L << 30, s.contributed().diskBytes());
        assertEquals(Map.of("zone", "eu", "owner", "alice"), s.labels());
    }

    @Test
    void givenSettings_whenWrittenAsPropertiesAndParsedBack_thenEqual() {
        NodeSettings s = NodeSettings.parse(Map.of("name", "n1", "cpus", "2.25", "memory", "3g", "labels", "a=b"),
                DEFAULTS);
        Map<String, Object> back = new HashMap<>();
        s.toProperties().forEach((k, v) -> back.put(k.toString(), v));
        assertEquals(s, NodeSettings.parse(back, DEFAULTS));
    }

    @Test
    void givenEmptyConfig_whenParsed_thenFallbackKept() {
        assertEquals(DEFAULTS, NodeSettings.parse(Map.of(), DEFAULTS));
    }

    @Test
    void givenBadNameOrLabel_whenParsed_thenRefused() {
        assertThrows(IllegalArgumentException.class, () -> NodeSettings.parse(Map.of("name", "bad name!"), DEFAULTS));
        assertThrows(IllegalArgumentException.class,
                () -> NodeSettings.parse(Map.of("labels", "Zone=eu"), DEFAULTS));
    }

    @Test
    void givenNoName_whenTwoNodesOfOneHostStart_thenEachIsNamedAfterTheHostAndItsOwnId() {
        NodeSettings a = NodeSettings.parse(Map.of(), NodeSettings.defaults("vm", "1a2b3c4d5e6f"));
        NodeSettings b = NodeSettings.parse(Map.of(), NodeSettings.defaults("vm", "0f0e0d0c0b0a"));
        assertEquals("vm-1a2b3c4d5e6f", a.name());
        assertEquals("vm-0f0e0d0c0b0a", b.name());
        String longHost = "h".repeat(80);
        NodeSettings c = NodeSettings.parse(Map.of(), NodeSettings.defaults(longHost, "1a2b3c4d5e6f"));
        assertEquals(64, c.name().length(), "clipped to the name's bound, the id kept");
        assertTrue(c.name().endsWith("-1a2b3c4d5e6f"));
    }

    @Test
    void givenTheFellowshipsChannelLabelAsTheDemoSetsIt_whenParsed_thenAccepted() {
        // scripts/lib/ring.sh sets it on every demo node; the longest address it may carry
        NodeSettings s = NodeSettings.parse(Map.of("labels", "fellowship.channel=10.213.220.254:65535"), DEFAULTS);
        assertEquals("10.213.220.254:65535", s.labels().get("fellowship.channel"));
    }

    @Test
    void givenLabelsTheRingCannotAdvertise_whenParsed_thenTheWholeConfigurationIsRefusedSayingWhy() {
        StringBuilder nine = new StringBuilder();
        for (int i = 0; i <= org.ringfellow.api.node.Labels.MAX_OPERATOR_LABELS; i++) {
            nine.append(i == 0 ? "" : ",").append("k").append(i).append("=v");
        }
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
                () -> NodeSettings.parse(Map.of("name", "n1", "labels", nine.toString()), DEFAULTS));
        assertTrue(tooMany.getMessage().contains("at most 8"), tooMany.getMessage());
        IllegalArgumentException longKey = assertThrows(IllegalArgumentException.class,
                () -> NodeSettings.parse(Map.of("labels", "k".repeat(21) + "=v"), DEFAULTS));
        assertTrue(longKey.getMessage().contains("1 to 20"), longKey.getMessage());
        IllegalArgumentException longValue = assertThrows(IllegalArgumentException.class,
                () -> NodeSettings.parse(Map.of("labels", "zone=" + "v".repeat(21)), DEFAULTS));
        assertTrue(longValue.getMessage().contains("0 to 20"), longValue.getMessage());
        IllegalArgumentException reserved = assertThrows(IllegalArgumentException.class,
                () -> NodeSettings.parse(Map.of("labels", "ringfellow.http=80"), DEFAULTS));
        assertTrue(reserved.getMessage().contains("reserved"), reserved.getMessage());
    }

    @Test
    void givenTheMostLabelsAtTheirLimits_whenParsed_thenEveryOneIsKept() {
        StringBuilder eight = new StringBuilder();
        for (int i = 0; i < org.ringfellow.api.node.Labels.MAX_OPERATOR_LABELS; i++) {
            eight.append(i == 0 ? "" : ",").append((char) ('a' + i)).append("k".repeat(org.ringfellow.api.node.Labels.MAX_OPERATOR_KEY - 1))
                    .append('=').append("v".repeat(org.ringfellow.api.node.Labels.MAX_OPERATOR_VALUE));
        }
        assertEquals(8, NodeSettings.parse(Map.of("labels", eight.toString()), DEFAULTS).labels().size());
    }
}
