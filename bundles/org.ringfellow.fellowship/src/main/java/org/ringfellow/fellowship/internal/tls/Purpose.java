package org.ringfellow.fellowship.internal.tls;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;
import org.ringfellow.api.fellowship.FellowshipId;

/**
 * What a channel connection is for, sent as the TLS server name (SNI) so that the accepting
 * node decides before the handshake completes: a fellowship's channel (the peer must be in
 * that fellowship's roster) or the invitation channel (the peer must be a live Ring member, and
 * may only invite).
 *
 * @param fellowship the fellowship, or empty for invitations
 */
public record Purpose(Optional<FellowshipId> fellowship) {

    /** The invitation channel. */
    public static final Purpose INVITE = new Purpose(Optional.empty());
    private static final String INVITE_NAME = "invite.ringfellow";
    private static final String SUFFIX = ".f.ringfellow";

    /**
     * Returns the purpose of a fellowship's channel.
     *
     * @param id the fellowship
     * @return the purpose
     */
    public static Purpose of(FellowshipId id) {
        return new Purpose(Optional.of(id));
    }

    /** Returns the server name: a DNS name, because JSSE only sends host names as SNI. */
    public String serverName() {
        if (fellowship.isEmpty()) {
            return INVITE_NAME;
        }
        String hex = HexFormat.of().formatHex(fellowship.get().value().getBytes(StandardCharsets.UTF_8));
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 60) {
            sb.append(i == 0 ? "" : ".").append('x').append(hex, i, Math.min(hex.length(), i + 60));
        }
        return sb.append(SUFFIX).toString();
    }

    /**
     * Parses a server name back.
     *
     * @param name the SNI host name
     * @return the purpose, or empty if the name is not one of ours
     */
    public static Optional<Purpose> parse(String name) {
        if (name == null || name.length() > 253) {
            return Optional.empty();
        }
        if (INVITE_NAME.equals(name)) {
            return Optional.of(INVITE);
        }
        if (!name.endsWith(SUFFIX)) {
            return Optional.empty();
        }
        StringBuilder hex = new StringBuilder();
        for (String label : name.substring(0, name.length() - SUFFIX.length()).split("\\.")) {
            if (label.length() < 2 || label.charAt(0) != 'x') {
                return Optional.empty();
            }
            hex.append(label, 1, label.length());
        }
        try {
            return Optional.of(of(new FellowshipId(new String(HexFormat.of().parseHex(hex), StandardCharsets.UTF_8))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return fellowship.map(f -> "fellowship " + f).orElse("invitations");
    }
}
