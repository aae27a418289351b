package org.ringfellow.container.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ArgsTest {

    @Test
    void givenSizesWithUnits_thenBinaryBytes() {
        assertEquals(64L << 20, Args.bytes("--memory", "64m"));
        assertEquals(1L << 30, Args.bytes("--memory", "1G"));
        assertEquals(512L << 10, Args.bytes("--memory", "512KiB"));
        assertEquals(4096, Args.bytes("--memory", "4096"));
    }

    @Test
    void givenNonsenseOrOverflow_thenAClearMessageNamingTheOption() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Args.bytes("--memory", "lots"));
        assertTrue(e.getMessage().startsWith("--memory"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Args.bytes("--memory", "999999999999t"));
        assertThrows(IllegalArgumentException.class, () -> Args.bytes("--memory", "-5m"));
    }

    @Test
    void givenSecondsOutOfBounds_thenRefused() {
        assertEquals(Duration.ofSeconds(5), Args.seconds("--grace", 5, 300));
        assertThrows(IllegalArgumentException.class, () -> Args.seconds("--grace", 301, 300));
        assertThrows(IllegalArgumentException.class, () -> Args.seconds("--grace", -1, 300));
    }

    @Test
    void humanSizesAndUptimes() {
        assertEquals("64M", Args.human(64L << 20));
        assertEquals("2G", Args.human(2L << 30));
        assertEquals("59s", Args.uptime(Duration.ofSeconds(59)));
        assertEquals("1h1m", Args.uptime(Duration.ofSeconds(3660)));
        assertEquals("2d0h", Args.uptime(Duration.ofDays(2)));
    }
}
