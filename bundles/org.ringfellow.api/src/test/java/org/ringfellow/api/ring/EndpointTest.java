package org.ringfellow.api.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EndpointTest {

    @Test
    void aHostAloneGetsTheDefaultPort() {
        assertEquals(new Endpoint("10.0.0.1", Ring.DEFAULT_PORT), Endpoint.parse("10.0.0.1", Ring.DEFAULT_PORT));
        assertEquals(new Endpoint("seed.example.org", 7000), Endpoint.parse(" seed.example.org ", 7000));
        assertEquals(new Endpoint("::1", 7000), Endpoint.parse("[::1]", 7000));
    }

    @Test
    void aGivenPortWins() {
        assertEquals(new Endpoint("10.0.0.1", 8000), Endpoint.parse("10.0.0.1:8000", Ring.DEFAULT_PORT));
        assertEquals(new Endpoint("::1", 8000), Endpoint.parse("[::1]:8000", Ring.DEFAULT_PORT));
    }

    @Test
    void withoutADefaultAPortIsRequired() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("10.0.0.1"));
        assertTrue(e.getMessage().contains("host:port"), e.getMessage());
    }

    @Test
    void badTextIsRefusedWithItsValue() {
        assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("", Ring.DEFAULT_PORT));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Endpoint.parse("10.0.0.1:http", Ring.DEFAULT_PORT));
        assertTrue(e.getMessage().contains("10.0.0.1:http"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("10.0.0.1:70000", Ring.DEFAULT_PORT));
        assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("10.0.0.1:", Ring.DEFAULT_PORT));
    }
}
