package org.ringfellow.job.internal.quorum;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import org.ringfellow.api.job.Progress;
import org.ringfellow.job.internal.model.Exclusion;
import org.ringfellow.job.internal.model.Replication;

/**
 * A job on simulated members, on a virtual clock, driving the real {@link WorkScheduler}: honest members return
 * the right digest, one cheater a wrong one for a fraction of its tasks; optionally an honest member is killed
 * (its leases lost) and comes back every so often. Deterministic for a seed. Test code: the product has no
 * cheating switch. Also the engine of bench/jobs (through this module's test jar).
 */
public final class Simulation {

    /** Members in a run: the cheater and three honest ones. */
    public static final List<String> MEMBERS = List.of("cheater", "honest-1", "honest-2", "honest-3");

    /**
     * What a run gave.
     *
     * @param tasks tasks in the job
     * @param validated tasks validated at the end
     * @param failed tasks in error at the end
     * @param runs task runs (instances that came back)
     * @param wrongAtEnd validated tasks whose canonical result is wrong at the end
     * @param wrongEverAccepted times a wrong result was made canonical (some reopened later)
     * @param cheaterExcluded whether the cheater was excluded
     * @param exclusionMillis virtual time of the exclusion, or -1
     * @param cheaterWrongRuns wrong results the cheater returned
     * @param finishMillis virtual time the job finished
     * @param trace every report in order, for determinism checks
     */
    public record Result(int tasks, int validated, int failed, long runs, int wrongAtEnd, int wrongEverAccepted,
            boolean cheaterExcluded, long exclusionMillis, long cheaterWrongRuns, long finishMillis, String trace) {

        /** @return task runs per task */
        public double runsPerTask() {
            return (double) runs / tasks;
        }
    }

    private record Done(long at, long seq, String member, long lease, int task) {
    }

    private Simulation() {
    }

    /**
     * A run with BOINC's quorum 2, two members' results per task, no churn.
     *
     * @param seed the seed
     * @param tasks tasks in the job
     * @param cheatFraction the share of its tasks the cheater answers wrongly
     * @param adaptive adaptive replication on or off
     * @return what it gave
     */
    public static Result run(long seed, int tasks, double cheatFraction, boolean adaptive) {
        return run(seed, tasks, cheatFraction, new Replication(2, 2, 3, 6, adaptive), Exclusion.DEFAULT, 0, 0);
    }

    /**
     * A run.
     *
     * @param seed the seed
     * @param tasks tasks in the job
     * @param cheatFraction the share of its tasks the cheater answers wrongly
     * @param replication the quorum parameters
     * @param exclusion the exclusion rule
     * @param killEveryMillis kill an honest member (in turn) this often, 0 for never; it comes back at once
     * @param honestFirst runs the cheater answers rightly before it starts cheating (to earn trust)
     * @return what it gave
     */
    public static Result run(long seed, int tasks, double cheatFraction, Replication replication,
            Exclusion exclusion, long killEveryMillis, int honestFirst) {
        SplittableRandom random = new SplittableRandom(seed);
        WorkScheduler s = WorkScheduler.fresh(tasks, replication, exclusion, 10_000, Agreement.BY_HASH,
                random.split(), Set.of());
        for (String m : MEMBERS) {
            s.join(m, 1);
        }
        PriorityQueue<Done> queue = new PriorityQueue<>((x, y) -> x.at != y.at ? Long.compare(x.at, y.at)
                : Long.compare(x.seq, y.seq));
        StringBuilder trace = new StringBuilder();
        long now = 0;
        long seq = 0;
        long nextKill = killEveryMillis > 0 ? killEveryMillis : Long.MAX_VALUE;
        int killed = 0;
        long cheaterWrong = 0;
        long cheaterRuns = 0;
        int wrongEver = 0;
        long exclusionAt = -1;
        for (int step = 0; step < 100 * tasks + 1_000 && !s.progress().finished(); step++) {
            for (String m : MEMBERS) {
                for (Lease lease : s.fetch(m, 1, now)) {
                    queue.add(new Done(now + 80 + random.nextInt(41), seq++, m, lease.id(), lease.task()));
                }
            }
            Done next = queue.poll();
            if (next == null) {
                break;
            }
            if (next.at >= nextKill) {
                now = nextKill;
                String victim = MEMBERS.get(1 + killed++ % (MEMBERS.size() - 1));
                s.leave(victim);
                s.join(victim, 1);
                trace.append("kill ").append(victim).append(" at ").append(now).append('\n');
                nextKill += killEveryMillis;
                queue.add(next);
                continue;
            }
            now = next.at;
            boolean cheater = next.member.equals("cheater");
            boolean wrong = cheater && cheaterRuns++ >= honestFirst && random.nextDouble() < cheatFraction;
            String hash = (wrong ? "bad-" : "ok-") + next.task;
            WorkScheduler.ReportStatus status = s.report(next.member, next.lease, Outcome.SUCCESS, hash);
            if (wrong && status == WorkScheduler.ReportStatus.ACCEPTED) {
                cheaterWrong++;
            }
            trace.append(now).append(' ').append(next.member).append(' ').append(next.task).append(' ').append(hash)
                    .append(' ').append(status).append('\n');
            for (JobEvent e : s.drainEvents()) {
                if (e instanceof JobEvent.TaskValidated v && v.hash().startsWith("bad-")) {
                    wrongEver++;
                } else if (e instanceof JobEvent.MemberExcluded x && x.member().equals("cheater")) {
                    exclusionAt = now;
                }
            }
        }
        int wrongAtEnd = 0;
        for (int t = 0; t < tasks; t++) {
            TaskQuorum q = s.task(t);
            if (q.status() == TaskStatus.VALID && !q.canonical().orElseThrow().hash().equals("ok-" + t)) {
                wrongAtEnd++;
            }
        }
        Progress p = s.progress();
        return new Result(tasks, p.validated(), p.failed(), p.runs(), wrongAtEnd, wrongEver,
                s.member("cheater").excluded(), exclusionAt, cheaterWrong, now, trace.toString());
    }

    /**
     * Runs over several seeds.
     *
     * @param seeds the seeds
     * @param tasks tasks per job
     * @param cheatFraction the cheater's share of wrong answers
     * @param adaptive adaptive replication
     * @return one result per seed
     */
    public static List<Result> runs(List<Long> seeds, int tasks, double cheatFraction, boolean adaptive) {
        List<Result> results = new ArrayList<>();
        for (long seed : seeds) {
            results.add(run(seed, tasks, cheatFraction, adaptive));
        }
        return results;
    }
}
