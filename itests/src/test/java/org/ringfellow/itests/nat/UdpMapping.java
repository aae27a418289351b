package org.ringfellow.itests.nat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * What a NAT does to one UDP socket, seen from outside (a STUN-like probe, for tests only).
 * {@code server PORT}: answers every datagram with the address and port it came from,
 * printing {@code ready} once bound. {@code client LOCALPORT HOST:PORT...}: one socket bound
 * to LOCALPORT sends to each server in turn and prints {@code observed HOST:PORT SEEN} per
 * server; exits 1 if a server did not answer.
 */
public final class UdpMapping {

    private UdpMapping() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("server")) {
            serve(Integer.parseInt(args[1]));
        } else if (args.length >= 3 && args[0].equals("client")) {
            System.exit(probe(Integer.parseInt(args[1]), args));
        } else {
            System.err.println("usage: server PORT | client LOCALPORT HOST:PORT...");
            System.exit(2);
        }
    }

    private static void serve(int port) throws Exception {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("0.0.0.0", port))) {
            System.out.println("ready");
            System.out.flush();
            byte[] buf = new byte[512];
            while (true) {
                DatagramPacket in = new DatagramPacket(buf, buf.length);
                s.receive(in);
                byte[] seen = (in.getAddress().getHostAddress() + ":" + in.getPort()).getBytes(StandardCharsets.UTF_8);
                s.send(new DatagramPacket(seen, seen.length, in.getSocketAddress()));
            }
        }
    }

    private static int probe(int localPort, String[] args) throws Exception {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("0.0.0.0", localPort))) {
            s.setSoTimeout(500);
            for (int i = 2; i < args.length; i++) {
                String[] hp = args[i].split(":");
                InetSocketAddress server = new InetSocketAddress(InetAddress.getByName(hp[0]), Integer.parseInt(hp[1]));
                String seen = null;
                for (int attempt = 0; attempt < 20 && seen == null; attempt++) {
                    byte[] hello = "where am I".getBytes(StandardCharsets.UTF_8);
                    s.send(new DatagramPacket(hello, hello.length, server));
                    try {
                        DatagramPacket in = new DatagramPacket(new byte[512], 512);
                        s.receive(in);
                        seen = new String(in.getData(), 0, in.getLength(), StandardCharsets.UTF_8);
                    } catch (SocketTimeoutException e) {
                        // again
                    }
                }
                if (seen == null) {
                    System.out.println("no-answer " + args[i]);
                    return 1;
                }
                System.out.println("observed " + args[i] + " " + seen);
            }
            System.out.flush();
            return 0;
        }
    }
}
