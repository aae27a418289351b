package org.ringfellow.container.internal.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.ringfellow.api.container.Image;
import org.ringfellow.api.container.ImageStore;

/** Lists the images in the node's store. */
@Command(scope = "image", name = "list", description = "List the images in the node's store")
@Service
public class ImageListCommand implements Action {

    @Reference
    ImageStore images;

    @Override
    public Object execute() {
        System.out.printf("%-20s %-20s %-8s %s%n", "NAME", "DIGEST", "SIZE", "IMPORTED");
        for (Image i : images.list()) {
            System.out.printf("%-20s %-20s %-8s %s%n", i.name(), i.digest().substring(0, 19), Args.human(i.sizeBytes()),
                    i.createdAt());
        }
        return null;
    }
}
