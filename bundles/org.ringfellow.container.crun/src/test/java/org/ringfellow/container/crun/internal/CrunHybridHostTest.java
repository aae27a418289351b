package org.ringfellow.container.crun.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host check crun needs beyond the archetype: a hybrid host's cgroup2 mount must hold no controller. */
class CrunHybridHostTest {

    private static String cgroup2At(Path mountPoint) {
        return "35 24 0:30 / " + mountPoint + " rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw";
    }

    @Test
    void aCgroup2MountHoldingAControllerIsReportedWithTheFix(@TempDir Path unified) throws Exception {
        Files.writeString(unified.resolve("cgroup.controllers"), "hugetlb\n");
        Optional<String> problem = CrunDriver.hybridProblem(List.of(
                "30 24 0:26 / /sys/fs/cgroup/memory rw shared:11 - cgroup cgroup rw,memory", cgroup2At(unified)));
        assertTrue(problem.isPresent());
        assertTrue(problem.get().contains("(hugetlb)") && problem.get().contains("mount -t cgroup -o hugetlb"),
                problem.get());
    }

    @Test
    void anEmptyCgroup2MountOrNoneIsFine(@TempDir Path unified) throws Exception {
        Files.writeString(unified.resolve("cgroup.controllers"), "\n");
        assertEquals(Optional.empty(), CrunDriver.hybridProblem(List.of(cgroup2At(unified))));
        assertEquals(Optional.empty(), CrunDriver.hybridProblem(List.of(
                "30 24 0:26 / /sys/fs/cgroup/memory rw shared:11 - cgroup cgroup rw,memory")));
    }

    @Test
    void aPureV2HostIsNotAHybridOne() {
        // /sys/fs/cgroup itself as cgroup2: the driver reports v2 as unsupported before it gets here
        assertEquals(Optional.empty(), CrunDriver.hybridProblem(List.of(cgroup2At(Path.of("/sys/fs/cgroup")))));
    }
}
