package org.ringfellow.itests.nat;

import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.api.ring.ResourceAdvert;
import org.ringfellow.ring.internal.RingRuntime;
import org.ringfellow.ring.internal.config.RingConfig;
import org.ringfellow.ring.internal.crypto.LocalIdentity;
import org.ringfellow.ring.internal.crypto.SignatureVerifier;

/**
 * One real Ring member (the bundle's {@link RingRuntime} on Netty, without Karaf), for NAT
 * tests run in a network namespace: {@code NAME HOST PORT [SEED_HOST:PORT...]}. It binds
 * and advertises {@code HOST:PORT} (its address in its namespace), joins the seeds (again every
 * second while no one answered), prints {@code ready}, then a line
 * {@code reach VERDICT ADDRESS | DETAIL} whenever its reachability verdict changes. It runs
 * until it is stopped (by its PID).
 */
public final class RingMember {

    private RingMember() {
    }

    public static void main(String[] args) throws Exception {
        String name = args[0];
        String host = args[1];
        int port = Integer.parseInt(args[2]);
        List<Endpoint> seeds = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            String[] hp = args[i].split(":");
            seeds.add(new Endpoint(hp[0], Integer.parseInt(hp[1])));
        }
        NioEventLoopGroup group = new NioEventLoopGroup(1);
        EventLoop loop = group.next();
        RingRuntime ring = RingRuntime.start(loop, RingConfig.defaultLanConfig(),
                LocalIdentity.generate(new SecureRandom()), name, ResourceAdvert.EMPTY, host, port, host, port,
                new SignatureVerifier(4096), e -> { });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ring.stop();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }));
        System.out.println("ready " + ring.address());
        System.out.flush();
        boolean joined = seeds.isEmpty();
        String last = "";
        while (true) {
            if (!joined) {
                joined = ring.join(seeds, 5_000) > 0;
            }
            String now = ring.call(s -> "reach " + s.selfRecord().reach().label() + " " + s.selfRecord().address()
                    + " | " + s.reachability().detail());
            if (!now.equals(last)) {
                System.out.println(now);
                System.out.flush();
                last = now;
            }
            Thread.sleep(500);
        }
    }
}
