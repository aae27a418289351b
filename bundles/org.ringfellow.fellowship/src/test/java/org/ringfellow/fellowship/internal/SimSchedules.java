package org.ringfellow.fellowship.internal;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** One seeded schedule: formation, then random crashes, restarts, partitions and heals, then the last heal. */
final class SimSchedules {

    private SimSchedules() {
    }

    /** Runs a schedule and asserts that it settles. */
    static SimFellowship run(long seed) {
        SimFellowship sim = play(seed);
        try {
            DeterministicFellowshipTest.settle(sim, sim.size);
            return sim;
        } finally {
            sim.close();
        }
    }

    /** Runs a schedule up to its last heal; the safety check runs after every task throughout. */
    static SimFellowship play(long seed) {
        Random r = new Random(seed ^ 0x5DEECE66DL);
        int n = 5 + r.nextInt(3);
        int size = 3 + r.nextInt(n - 3);
        SimFellowship sim = new SimFellowship(seed, n);
        try {
            DeterministicFellowshipTest.form(sim, size);
            int faults = 1 + r.nextInt(5);
            for (int i = 0; i < faults; i++) {
                sim.clock.advance(r.nextInt(8000), TimeUnit.MILLISECONDS);
                List<SimFellowship.Node> up = sim.nodes.stream().filter(x -> !x.crashed).toList();
                List<SimFellowship.Node> down = sim.nodes.stream().filter(x -> x.crashed).toList();
                int kind = r.nextInt(4);
                if (kind == 0 && up.size() > 1) {
                    SimFellowship.Node victim = r.nextBoolean() && sim.coordinator().isPresent()
                            ? sim.coordinator().get() : up.get(r.nextInt(up.size()));
                    sim.crash(victim);
                } else if (kind == 1 && !down.isEmpty()) {
                    sim.restart(down.get(r.nextInt(down.size())));
                } else if (kind == 2) {
                    Set<SimFellowship.Node> side = new HashSet<>();
                    for (SimFellowship.Node x : sim.nodes) {
                        if (r.nextBoolean()) {
                            side.add(x);
                        }
                    }
                    sim.partition(side);
                } else {
                    sim.heal();
                }
            }
            sim.clock.advance(r.nextInt(8000), TimeUnit.MILLISECONDS);
            sim.heal();
            for (SimFellowship.Node x : sim.nodes) {
                if (x.crashed) {
                    sim.restart(x);
                }
            }
            sim.size = size;
            return sim;
        } catch (RuntimeException | Error e) {
            sim.close();
            throw e;
        }
    }
}
