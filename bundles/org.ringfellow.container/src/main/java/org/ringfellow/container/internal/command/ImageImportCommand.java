package org.ringfellow.container.internal.command;

import java.nio.file.Path;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.ringfellow.api.container.Image;
import org.ringfellow.api.container.ImageStore;

/** Imports a root file system archive (tar) under a name. */
@Command(scope = "image", name = "import", description = "Import a root file system tar under a name")
@Service
public class ImageImportCommand implements Action {

    @Reference
    ImageStore images;

    @Argument(index = 0, name = "name", required = true, description = "image name ([a-z0-9._-], up to 64)")
    String name;

    @Argument(index = 1, name = "tar", required = true, description = "path of the tar file")
    String tar;

    @Override
    public Object execute() throws Exception {
        Image i = images.importArchive(name, Path.of(tar));
        System.out.println(i.name() + " " + i.digest());
        return null;
    }
}
