package org.ringfellow.ring.internal.discovery;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.ringfellow.api.node.Resources;
import org.ringfellow.api.ring.Member;
import org.ringfellow.api.ring.MemberState;
import org.ringfellow.api.ring.ResourceAdvert;
import org.ringfellow.api.ring.ResourceQuery;

/** Queries over a local membership view: one hop, no messages. Pure functions. */
public final class Discovery {

    private Discovery() {
    }

    /** @return alive members matching {@code q}, best fit first, at most {@code q.limit()} */
    public static List<Member> find(List<Member> view, ResourceQuery q) {
        List<Member> out = new ArrayList<>();
        for (Member m : view) {
            if (matches(m, q)) {
                out.add(m);
            }
        }
        out.sort(Comparator.comparingDouble((Member m) -> -fit(m.advert().free(), q.minimumFree()))
                .thenComparing(Member::id));
        return out.size() > q.limit() ? List.copyOf(out.subList(0, q.limit())) : out;
    }

    static boolean matches(Member m, ResourceQuery q) {
        ResourceAdvert a = m.advert();
        if (m.state() != MemberState.ALIVE || q.exclude().contains(m.id()) || !a.free().covers(q.minimumFree())) {
            return false;
        }
        if (!q.anyDriver().isEmpty() && q.anyDriver().stream().noneMatch(a.drivers()::contains)) {
            return false;
        }
        if (!a.runtimes().containsAll(q.runtimes())) {
            return false;
        }
        for (Map.Entry<String, String> l : q.labels().entrySet()) {
            if (!l.getValue().equals(a.labels().get(l.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /**
     * How well free resources fit what was asked: the tightest dimension's free/asked ratio
     * (more headroom ranks first); with nothing asked, free CPU then memory.
     */
    static double fit(Resources free, Resources asked) {
        double ratio = Double.MAX_VALUE;
        boolean any = false;
        if (asked.milliCpus() > 0) {
            ratio = Math.min(ratio, (double) free.milliCpus() / asked.milliCpus());
            any = true;
        }
        if (asked.memoryBytes() > 0) {
            ratio = Math.min(ratio, (double) free.memoryBytes() / asked.memoryBytes());
            any = true;
        }
        if (asked.diskBytes() > 0) {
            ratio = Math.min(ratio, (double) free.diskBytes() / asked.diskBytes());
            any = true;
        }
        return any ? ratio : free.milliCpus() * 1e6 + free.memoryBytes() / (double) (1L << 20);
    }

    /** @return up to {@code k} alive members whose ids follow SHA-256(key) on the identifier ring */
    public static List<Member> successors(List<Member> view, byte[] key, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        String position = sha256Hex(key);
        List<Member> alive = new ArrayList<>();
        for (Member m : view) {
            if (m.state() == MemberState.ALIVE) {
                alive.add(m);
            }
        }
        alive.sort(Comparator.comparing(Member::id));
        int start = 0;
        while (start < alive.size() && alive.get(start).id().hex().compareTo(position) <= 0) {
            start++;
        }
        List<Member> out = new ArrayList<>();
        for (int i = 0; i < Math.min(k, alive.size()); i++) {
            out.add(alive.get((start + i) % alive.size()));
        }
        return out;
    }

    private static String sha256Hex(byte[] key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
