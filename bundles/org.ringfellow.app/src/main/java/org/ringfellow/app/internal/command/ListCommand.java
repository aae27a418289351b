package org.ringfellow.app.internal.command;

import java.io.PrintStream;
import java.util.List;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.ringfellow.api.app.AppState;
import org.ringfellow.api.app.AppStatus;
import org.ringfellow.api.app.MemberStatus;

/** {@code app:list}: the apps this node deployed or runs a part of. */
@Command(scope = "app", name = "list", description = "Lists the apps this node deployed or runs a part of")
@Service
public class ListCommand extends AppCommand {

    /** The widest version shown; a longer one ends with {@value Columns#ELLIPSIS} ({@code app:status} shows it whole). */
    static final int VERSION_WIDTH = 16;
    /** The widest runtime shown. */
    static final int RUNTIME_WIDTH = 10;
    /** Where the message wraps. */
    static final int MESSAGE_WIDTH = 50;

    @Override
    Object run() {
        print(apps.list(), System.out);
        return null;
    }

    /** The table of apps, every column as wide as its widest value up to its bound. */
    static void print(List<AppStatus> all, PrintStream out) {
        if (all.isEmpty()) {
            out.println("No app is deployed on this node.");
            return;
        }
        ShellTable t = new ShellTable();
        // names are at most 32 characters and shown whole: they are what the other commands take
        t.column("App");
        t.column(Columns.cut("Version", VERSION_WIDTH));
        t.column(Columns.cut("Runtime", RUNTIME_WIDTH));
        t.column("Members");
        t.column("State");
        t.column(Columns.wrapped("Message", MESSAGE_WIDTH));
        for (AppStatus s : all) {
            long running = s.members().stream().filter(m -> m.state() == AppState.RUNNING).count();
            t.addRow().addContent(s.descriptor().name(), s.descriptor().version(), s.descriptor().runtime(),
                    running + "/" + s.descriptor().size(), s.state(), s.message());
        }
        t.print(out);
    }

    static String driver(MemberStatus m) {
        return m.driver() == null ? "-" : m.driver();
    }
}
