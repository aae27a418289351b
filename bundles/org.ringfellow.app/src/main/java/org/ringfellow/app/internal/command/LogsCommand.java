package org.ringfellow.app.internal.command;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.ringfellow.api.app.AppService;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.ringfellow.api.node.NodeService;

/** {@code app:logs}: one member's log of an app, optionally followed. */
@Command(scope = "app", name = "logs", description = "Shows a member's log of an app (this node's part by default)")
@Service
public class LogsCommand extends AppCommand {

    @Completion(AppNameCompleter.class)
    @Argument(index = 0, name = "name", required = true, description = "The app's name")
    String name;

    @Completion(AppMemberCompleter.class)
    @Argument(index = 1, name = "member", description = "A prefix of the member's node id (default: this node)")
    String member;

    @Option(name = "-f", aliases = "--follow", description = "Keep printing new lines until interrupted (Ctrl-C)")
    boolean follow;

    @Reference
    NodeService node;

    @Override
    Object run() throws Exception {
        String app = name(name);
        String who = member != null ? member.trim() : node.identity().id().hex();
        if (who.isEmpty() || who.length() > 64) {
            throw new IllegalArgumentException("a member is given by 1-64 characters of its node id");
        }
        long offset = 0;
        do {
            AppService.LogSlice slice = apps.logs(app, who, offset);
            if (!slice.text().isEmpty()) {
                System.out.print(slice.text());
                System.out.flush();
            }
            boolean more = slice.nextOffset() > offset && !slice.text().isEmpty();
            offset = slice.nextOffset();
            if (!more && follow) {
                Thread.sleep(500);
            } else if (!more) {
                break;
            }
        } while (!Thread.currentThread().isInterrupted());
        return null;
    }

}
