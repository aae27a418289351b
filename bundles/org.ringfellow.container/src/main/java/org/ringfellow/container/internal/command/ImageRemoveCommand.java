package org.ringfellow.container.internal.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.ringfellow.api.container.ImageStore;

/** Removes an image name; its files go when no name and no container uses them. */
@Command(scope = "image", name = "remove", description = "Remove an image from the node's store")
@Service
public class ImageRemoveCommand implements Action {

    @Reference
    ImageStore images;

    @Argument(index = 0, name = "name", required = true, description = "image name")
    String name;

    @Override
    public Object execute() throws Exception {
        System.out.println(images.remove(name) ? name + " removed" : "no image " + name);
        return null;
    }
}
