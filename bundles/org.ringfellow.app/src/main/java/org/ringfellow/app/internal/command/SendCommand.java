package org.ringfellow.app.internal.command;

import java.nio.charset.StandardCharsets;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code app:send}: a text message to an app's member, or to all, as an event the app handles. */
@Command(scope = "app", name = "send", description = "Sends a text message to an app on one member, or on every "
        + "member with *; the app's message handler receives it")
@Service
public class SendCommand extends AppCommand {

    static final int MAX_TEXT = 64 * 1024;

    @Completion(AppNameCompleter.class)
    @Argument(index = 0, name = "name", required = true, description = "The app's name")
    String name;

    @Completion(AppMemberCompleter.class)
    @Argument(index = 1, name = "member", required = true, description = "A prefix of the member's node id, or *")
    String member;

    @Argument(index = 2, name = "topic", required = true, description = "The topic, 1-128 characters")
    String topic;

    @Argument(index = 3, name = "text", required = true, description = "The message text (up to 64 KiB)")
    String text;

    @Override
    Object run() throws Exception {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        if (payload.length > MAX_TEXT) {
            throw new IllegalArgumentException("the text is over 64 KiB");
        }
        int n = apps.send(name(name), member, topic, payload);
        System.out.println("Sent to " + n + " member(s).");
        return null;
    }
}
