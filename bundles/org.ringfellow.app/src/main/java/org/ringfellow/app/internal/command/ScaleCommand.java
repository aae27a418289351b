package org.ringfellow.app.internal.command;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.ringfellow.api.app.AppDescriptor;
import org.ringfellow.api.app.AppStatus;

/** {@code app:scale}: grows or shrinks an app's fellowship. */
@Command(scope = "app", name = "scale", description = "Grows or shrinks an app to a number of members")
@Service
public class ScaleCommand extends AppCommand {

    @Completion(AppNameCompleter.class)
    @Argument(index = 0, name = "name", required = true, description = "The app's name")
    String name;

    @Argument(index = 1, name = "size", required = true, description = "The new number of members, 1-64")
    int size;

    @Override
    Object run() throws Exception {
        if (size < 1 || size > AppDescriptor.MAX_SIZE) {
            throw new IllegalArgumentException("size must be 1-" + AppDescriptor.MAX_SIZE + ", got " + size);
        }
        AppStatus s = apps.scale(name(name), size);
        System.out.println("App " + s.descriptor().name() + ": " + s.message());
        return null;
    }
}
