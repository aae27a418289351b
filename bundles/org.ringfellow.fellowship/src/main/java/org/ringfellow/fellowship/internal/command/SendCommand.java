package org.ringfellow.fellowship.internal.command;

import java.nio.charset.StandardCharsets;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.ringfellow.api.fellowship.Fellowship;
import org.ringfellow.api.fellowship.FellowshipException;
import org.ringfellow.api.node.NodeId;

/** {@code fellowship:send}: a text message to one member or to all. */
@Command(scope = "fellowship", name = "send", description = "Sends a text message to a member, or to every other "
        + "member with *")
@Service
public class SendCommand extends FellowshipCommand {

    static final int MAX_TEXT = 64 * 1024;

    @Argument(index = 0, name = "id", required = true, description = "The fellowship id")
    @Completion(FellowshipIdCompleter.class)
    String id;

    @Argument(index = 1, name = "member", required = true, description = "A prefix of the member's node id, or *")
    @Completion(MemberCompleter.class)
    String member;

    @Argument(index = 2, name = "topic", required = true, description = "The topic, 1-128 characters")
    String topic;

    @Argument(index = 3, name = "text", required = true, description = "The message text (up to 64 KiB)")
    String text;

    @Override
    Object run() throws FellowshipException {
        Fellowship f = fellowship(id);
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        if (payload.length > MAX_TEXT) {
            throw new IllegalArgumentException("the text is over 64 KiB");
        }
        if ("*".equals(member)) {
            f.broadcast(topic, payload);
            System.out.println("Sent to " + (f.roster().members().size() - 1) + " members.");
        } else {
            NodeId to = Format.member(f, member);
            f.send(to, topic, payload);
            System.out.println("Sent to " + to.shortId() + ".");
        }
        return null;
    }
}
