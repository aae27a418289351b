package org.ringfellow.job.internal.host;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.ringfellow.api.container.ContainerManager;
import org.ringfellow.api.container.ImageStore;
import org.ringfellow.api.fellowship.FellowshipEvent;
import org.ringfellow.api.fellowship.FellowshipListener;
import org.ringfellow.api.fellowship.FellowshipService;
import org.ringfellow.api.job.JobException;
import org.ringfellow.api.job.JobService;
import org.ringfellow.api.job.JobView;
import org.ringfellow.api.node.NodeService;
import org.ringfellow.api.node.NodeStore;

/**
 * Jobs on this node as a DS component: a {@link JobHost} built from the node, its store, the fellowship service and
 * the container manager, registered as the console's {@link JobService} and on the fellowship whiteboard. Its
 * configuration (PID {@value JobsConfig#PID}) is validated when the component activates; a bad value refuses the
 * activation with a message naming it (a changed configuration restarts the component, so its jobs resume).
 */
@Component(service = {JobService.class, FellowshipListener.class}, immediate = true,
        configurationPid = JobsConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = JobsConfiguration.class)
public class JobsComponent implements JobService, FellowshipListener {

    private final JobHost host;

    /**
     * @param node the node
     * @param store the node store
     * @param fellowships the fellowship service
     * @param containers the container manager
     * @param images the image store
     * @param config the configuration
     * @throws IOException if the data directory cannot be made
     */
    @Activate
    public JobsComponent(@Reference NodeService node, @Reference NodeStore store,
            @Reference FellowshipService fellowships, @Reference ContainerManager containers,
            @Reference ImageStore images, Map<String, Object> config) throws IOException {
        this.host = new JobHost(node, store, fellowships, containers, images, JobsConfig.parse(config));
        host.start();
    }

    @Deactivate
    void deactivate() {
        host.close();
    }

    @Override
    public void onEvent(FellowshipEvent event) {
        host.onEvent(event);
    }

    @Override
    public JobView submit(Path file) throws JobException {
        return host.submit(file);
    }

    @Override
    public List<JobView> list() {
        return host.list();
    }

    @Override
    public Optional<JobView> status(String id) {
        return host.status(id);
    }

    @Override
    public List<TaskLine> tasks(String id) throws JobException {
        return host.tasks(id);
    }

    @Override
    public int results(String id, Path dir) throws JobException {
        return host.results(id, dir);
    }

    @Override
    public JobView cancel(String id) throws JobException {
        return host.cancel(id);
    }
}
