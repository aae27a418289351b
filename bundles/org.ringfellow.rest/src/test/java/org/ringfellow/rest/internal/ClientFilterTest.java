package org.ringfellow.rest.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClientFilterTest {

    @Test
    void loopbackByDefault() {
        ClientFilter f = ClientFilter.parse(null);
        assertTrue(f.allows("127.0.0.1"));
        assertTrue(f.allows("127.3.2.1"));
        assertTrue(f.allows("0:0:0:0:0:0:0:1"));
        assertTrue(f.allows("[::1]"));
        assertFalse(f.allows("10.0.0.1"));
        assertFalse(f.allows("localhost"), "names are never looked up");
        assertFalse(f.allows(null));
    }

    @Test
    void cidrBlocksAndAddresses() {
        ClientFilter f = ClientFilter.parse("loopback, 10.213.220.0/24, 192.168.1.7, fd00::/8");
        assertTrue(f.allows("127.0.0.1"));
        assertTrue(f.allows("10.213.220.254"));
        assertFalse(f.allows("10.213.221.1"));
        assertTrue(f.allows("192.168.1.7"));
        assertFalse(f.allows("192.168.1.8"));
        assertTrue(f.allows("fd12::1"));
        assertFalse(f.allows("fe80::1"));
        assertFalse(ClientFilter.parse("10.0.0.0/8").allows("127.0.0.1"), "loopback only when listed");
        assertTrue(ClientFilter.parse("any").allows("203.0.113.9"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.org", "10.0.0.0/33", "10.0.0/8", "10.0.0.1/x", "::1/129", "1.2.3.4, bogus"})
    void badEntriesAreRefusedNamingThem(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClientFilter.parse(text));
        assertTrue(e.getMessage().contains("allowedClients"), e.getMessage());
    }
}
