package org.ringfellow.ring.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.api.ring.Ring;

class SeedsTest {

    @Test
    void readsHostsPortsAndCommaSeparatedTexts() {
        List<Endpoint> seeds = Seeds.parse(Arrays.asList("10.0.0.1:7000, 10.0.0.2", null, " ", "[::1]:7001"));
        assertEquals(3, seeds.size());
        assertEquals(7000, seeds.get(0).port());
        assertEquals("10.0.0.2", seeds.get(1).host());
        assertEquals(Ring.DEFAULT_PORT, seeds.get(1).port());
        assertEquals(7001, seeds.get(2).port());
    }

    @Test
    void namesTheSeedItCannotRead() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Seeds.parse(List.of("10.0.0.1,10.0.0.2:99999")));
        assertTrue(e.getMessage().startsWith("seed '10.0.0.2:99999'"), e.getMessage());
    }

    @Test
    void takesAtMostMax() {
        assertEquals(Seeds.MAX, Seeds.parse(Collections.nCopies(Seeds.MAX, "10.0.0.1")).size());
        assertThrows(IllegalArgumentException.class,
                () -> Seeds.parse(List.of(String.join(",", Collections.nCopies(Seeds.MAX + 1, "10.0.0.1")))));
    }
}
