package org.ringfellow.rest.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which client addresses the API answers: {@code loopback} (the default: 127.0.0.0/8 and ::1),
 * {@code any}, or a comma-separated list of CIDR blocks and addresses such as
 * {@code 127.0.0.1, 10.213.220.0/24}. Parsed without name lookups; a bad entry is refused with a
 * message naming it.
 */
final class ClientFilter {

    static final String LOOPBACK = "loopback";
    static final int MAX_ENTRIES = 32;
    private static final Pattern LITERAL = Pattern.compile("[0-9a-fA-F:.]{2,45}");

    private final boolean any;
    private final boolean loopback;
    private final List<byte[]> networks;
    private final List<Integer> prefixes;

    private ClientFilter(boolean any, boolean loopback, List<byte[]> networks, List<Integer> prefixes) {
        this.any = any;
        this.loopback = loopback;
        this.networks = networks;
        this.prefixes = prefixes;
    }

    /** Parses the setting; throws {@link IllegalArgumentException} naming the bad entry. */
    static ClientFilter parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.isEmpty() || t.equalsIgnoreCase(LOOPBACK)) {
            return new ClientFilter(false, true, List.of(), List.of());
        }
        if (t.equalsIgnoreCase("any")) {
            return new ClientFilter(true, false, List.of(), List.of());
        }
        String[] parts = t.split(",");
        if (parts.length > MAX_ENTRIES) {
            throw new IllegalArgumentException("allowedClients lists at most " + MAX_ENTRIES + " entries, got "
                    + parts.length);
        }
        boolean lo = false;
        List<byte[]> nets = new ArrayList<>();
        List<Integer> bits = new ArrayList<>();
        for (String raw : parts) {
            String p = raw.trim();
            if (p.equalsIgnoreCase(LOOPBACK)) {
                lo = true;
                continue;
            }
            int slash = p.indexOf('/');
            String addr = slash < 0 ? p : p.substring(0, slash);
            byte[] a = literal(addr, p);
            int prefix = a.length * 8;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(p.substring(slash + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("allowedClients: bad prefix length in '" + p + "'");
                }
                if (prefix < 0 || prefix > a.length * 8) {
                    throw new IllegalArgumentException("allowedClients: prefix length must be 0-" + a.length * 8
                            + " in '" + p + "'");
                }
            }
            nets.add(a);
            bits.add(prefix);
        }
        return new ClientFilter(false, lo, List.copyOf(nets), List.copyOf(bits));
    }

    private static byte[] literal(String addr, String entry) {
        if (!LITERAL.matcher(addr).matches() || !(addr.contains(":") || addr.chars().filter(c -> c == '.').count() == 3)) {
            throw new IllegalArgumentException("allowedClients: '" + entry
                    + "' is not an IP address or CIDR block (nor loopback or any)");
        }
        try {
            return InetAddress.getByName(addr).getAddress(); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("allowedClients: '" + entry + "' is not an IP address");
        }
    }

    /** Tells whether a client at this address (an IP literal) may call the API. */
    boolean allows(String remoteAddress) {
        if (any) {
            return true;
        }
        InetAddress a;
        try {
            if (remoteAddress == null || !LITERAL.matcher(remoteAddress.replace("[", "").replace("]", "")).matches()) {
                return false;
            }
            a = InetAddress.getByName(remoteAddress.replace("[", "").replace("]", ""));
        } catch (UnknownHostException e) {
            return false;
        }
        if (loopback && a.isLoopbackAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        for (int i = 0; i < networks.size(); i++) {
            if (matches(networks.get(i), prefixes.get(i), b)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(byte[] net, int prefix, byte[] addr) {
        if (net.length != addr.length) {
            return false;
        }
        for (int bit = 0; bit < prefix; bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((net[bit / 8] & mask) != (addr[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }
}
