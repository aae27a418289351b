package org.ringfellow.fellowship.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.ringfellow.api.fellowship.FellowshipId;
import org.ringfellow.api.fellowship.FellowshipMember;
import org.ringfellow.api.fellowship.Roster;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.NodeIdentity;
import org.ringfellow.fellowship.internal.wire.Frame;
import org.ringfellow.fellowship.internal.wire.FrameCodec;

/**
 * What a fellowship signs and how it checks: rosters (signed by their coordinator), votes (by the
 * voter, over fellowship, epoch and candidate) and invitations (by the founder's node key), each
 * over its own domain-separated bytes. Stateless past this node's identity; any thread.
 */
final class RosterSignatures {

    private final NodeIdentity identity;

    RosterSignatures(NodeIdentity identity) {
        this.identity = identity;
    }

    /** This node's signature over a roster it coordinates. */
    byte[] sign(Roster r) {
        return identity.sign(rosterBytes(r));
    }

    /** Whether {@code signature} is the roster's coordinator's, with the key the roster lists for it. */
    boolean verify(Roster r, byte[] signature) {
        Optional<FellowshipMember> c = r.members().stream().filter(x -> x.node().equals(r.coordinator())).findFirst();
        return c.isPresent() && verifyWith(c.get().publicKey(), rosterBytes(r), signature);
    }

    /** This node's vote for {@code candidate} in {@code epoch}. */
    byte[] vote(FellowshipId id, long epoch, NodeId candidate) {
        return identity.sign(voteBytes(id, epoch, candidate));
    }

    /** Whether {@code signature} is a vote of the holder of {@code publicKeyBase64} for {@code candidate}. */
    boolean verifyVote(String publicKeyBase64, FellowshipId id, long epoch, NodeId candidate, byte[] signature) {
        return verifyWith(publicKeyBase64, voteBytes(id, epoch, candidate), signature);
    }

    /** This node's signature over an invitation (its signature field is not signed). */
    byte[] signInvite(Frame.Invite unsigned) {
        return identity.sign(inviteBody(unsigned));
    }

    /** Whether the invitation is signed by the node key {@code nodeKey} (the founder's, from its TLS peer). */
    boolean verifyInvite(byte[] nodeKey, Frame.Invite invite) {
        return identity.verify(nodeKey, inviteBody(invite), invite.signature());
    }

    /**
     * Whether {@code votes} prove that {@code r}'s coordinator won {@code r}'s epoch: valid votes
     * for it from a strict majority of {@code electorate}, each checked with the key
     * {@code keyOf} gives for the voter (from the roster this node holds, or its former members:
     * never from the roster being checked).
     */
    boolean proven(FellowshipId id, Roster r, Map<NodeId, byte[]> votes, List<NodeId> electorate,
            Function<NodeId, Optional<FellowshipMember>> keyOf) {
        byte[] body = voteBytes(id, r.epoch(), r.coordinator());
        long valid = votes.entrySet().stream().filter(v -> electorate.contains(v.getKey()))
                .filter(v -> keyOf.apply(v.getKey()).map(x -> verifyWith(x.publicKey(), body, v.getValue())).orElse(false))
                .count();
        return valid >= Succession.majority(electorate);
    }

    private boolean verifyWith(String publicKeyBase64, byte[] body, byte[] signature) {
        try {
            return identity.verify(Base64.getDecoder().decode(publicKeyBase64), body, signature);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The bytes a member signs when it votes for {@code candidate} to coordinate {@code epoch}. */
    static byte[] voteBytes(FellowshipId id, long epoch, NodeId candidate) {
        ByteBuf buf = Unpooled.buffer();
        buf.writeBytes("ringfellow-vote-v1:".getBytes(StandardCharsets.US_ASCII));
        buf.writeBytes(id.value().getBytes(StandardCharsets.UTF_8)).writeByte(0).writeLong(epoch)
                .writeBytes(candidate.bytes());
        return ByteBufUtil.getBytes(buf);
    }

    /** The bytes a coordinator signs for a roster. */
    static byte[] rosterBytes(Roster r) {
        ByteBuf buf = Unpooled.buffer();
        buf.writeBytes("ringfellow-roster-v1:".getBytes(StandardCharsets.US_ASCII));
        FrameCodec.writeRoster(r, buf);
        return ByteBufUtil.getBytes(buf);
    }

    private static byte[] inviteBody(Frame.Invite invite) {
        ByteBuf buf = Unpooled.buffer();
        buf.writeBytes("ringfellow-invite-v1:".getBytes(StandardCharsets.US_ASCII));
        FrameCodec.writeInviteBody(invite, buf);
        return ByteBufUtil.getBytes(buf);
    }
}
