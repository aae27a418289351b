package org.ringfellow.api.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.container.ResourceLimits;

class AppDescriptorTest {

    @Test
    void givenFullHeaders_whenRead_thenEveryValueIsTaken() {
        AppDescriptor d = AppDescriptor.fromHeaders(Map.of("Ringfellow-App", "calc", "Ringfellow-App-Entry",
                "org.example.Calc", "Ringfellow-App-Size", "3", "Ringfellow-App-Runtime", "bundle",
                "Ringfellow-App-Resources", "cpu=500m, memory=128m, pids=64", "Ringfellow-App-Labels", "region=eu",
                "Bundle-Version", "1.2.0"));
        assertEquals(new AppDescriptor("calc", "1.2.0", 3, new ResourceLimits(500, 128L << 20, 64), "bundle",
                "org.example.Calc", Map.of("region", "eu")), d);
    }

    @Test
    void givenOnlyTheRequiredHeaders_whenRead_thenDefaultsApply() {
        AppDescriptor d = AppDescriptor.fromHeaders(Map.of("Ringfellow-App", "a", "Ringfellow-App-Entry", "x.Y"));
        assertEquals(1, d.size());
        assertEquals("bundle", d.runtime());
        assertEquals(ResourceLimits.SMALL, d.perMember());
        assertEquals(1000, AppDescriptor.fromHeaders(Map.of("Ringfellow-App", "a", "Ringfellow-App-Entry", "x.Y",
                "Ringfellow-App-Resources", "cpu=1")).perMember().milliCpus());
    }

    @Test
    void givenABundleThatIsNotAnApp_whenRead_thenTheMessageSaysWhichHeaderIsMissing() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AppDescriptor.fromHeaders(Map.of("Bundle-SymbolicName", "x")));
        assertTrue(e.getMessage().contains("Ringfellow-App"), e.getMessage());
    }

    @Test
    void givenBadValues_whenRead_thenEachIsRefusedWithItsHeaderNamed() {
        for (Map<String, String> h : java.util.List.of(
                Map.of("Ringfellow-App", "a", "Ringfellow-App-Entry", "x", "Ringfellow-App-Size", "many"),
                Map.of("Ringfellow-App", "a", "Ringfellow-App-Entry", "x", "Ringfellow-App-Resources", "disk=1g"),
                Map.of("Ringfellow-App", "a", "Ringfellow-App-Entry", "x", "Ringfellow-App-Resources", "memory=lots"),
                Map.of("Ringfellow-App", "a"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> AppDescriptor.fromHeaders(h));
            assertTrue(e.getMessage().contains("Ringfellow-App"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> AppDescriptor.fromHeaders(Map.of("Ringfellow-App", "Bad Name",
                "Ringfellow-App-Entry", "x")));
    }
}
