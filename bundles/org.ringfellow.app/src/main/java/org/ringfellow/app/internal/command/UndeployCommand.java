package org.ringfellow.app.internal.command;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code app:undeploy}: every container destroyed, the fellowship dissolved. */
@Command(scope = "app", name = "undeploy", description = "Undeploys an app: its containers destroyed, its "
        + "fellowship dissolved, its files removed on every member")
@Service
public class UndeployCommand extends AppCommand {

    @Completion(AppNameCompleter.class)
    @Argument(index = 0, name = "name", required = true, description = "The app's name")
    String name;

    @Override
    Object run() throws Exception {
        String app = name(name);
        apps.undeploy(app);
        System.out.println("Undeployed " + app + ".");
        return null;
    }
}
