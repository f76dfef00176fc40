package io.qgate.discovery.kubernetes;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.qgate.discovery.EndpointSource;
import io.qgate.routing.Endpoint;
import io.qgate.routing.EndpointSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * The replicas of one Service as the Kubernetes API reports them, followed by a fabric8 informer
 * on its EndpointSlices (or, as a fallback, its core v1 Endpoints).
 *
 * <p>Every change rebuilds the whole snapshot from the informer's store, so several slices are
 * merged and a replayed or reordered event cannot leave a stale entry behind. Rebuilds run on one
 * thread, a few milliseconds after the first event of a burst, so that an address the controller
 * moves from one slice to another is seen in its new slice before its removal is published.
 *
 * <p>The informer retries with exponential backoff whenever listing or watching fails, and relists
 * on 410 Gone. While it cannot reach the API server the store, and so the last snapshot, stays as
 * it was: routing goes on with the replicas last known, {@link #watching()} turns false, and one
 * line is logged per outage and one per recovery.
 */
public final class KubernetesEndpointSource implements EndpointSource {

    private static final Logger log = LoggerFactory.getLogger(KubernetesEndpointSource.class);

    static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    /** How long a rebuild waits for the rest of a burst of events. */
    private static final long SETTLE_MILLIS = 20;
    /** How often the connection state is checked for the outage and recovery log lines. */
    private static final long CHECK_MILLIS = 250;

    private final KubernetesClient client;
    private final boolean ownsClient;
    private final KubernetesSettings settings;
    private final PortChoice ports;
    private final String namespace;
    private final ScheduledExecutorService executor;
    private final AtomicBoolean rebuildPending = new AtomicBoolean();
    private final long startNanos = System.nanoTime();

    private volatile SharedIndexInformer<?> informer;
    private volatile Function<List<?>, List<Endpoint>> translation;
    private volatile KubernetesSettings.Api activeApi;
    private volatile Consumer<EndpointSnapshot> listener;
    private volatile EndpointSnapshot published;
    private volatile long lastEventNanos = startNanos;
    private volatile boolean closed;
    /** Whether the last check found the informer watching; only the executor thread writes it. */
    private boolean connected;
    private boolean outageLogged;

    /**
     * A source that talks to the cluster the process runs in (service account) or, outside a
     * cluster, to the current context of the kubeconfig.
     */
    public static KubernetesEndpointSource create(KubernetesSettings settings) {
        // The client's own request retries (ten, backing off up to minutes) would hide an
        // unreachable API server from the log for that long; the informer retries anyway.
        io.fabric8.kubernetes.client.Config config = new io.fabric8.kubernetes.client.ConfigBuilder(
                io.fabric8.kubernetes.client.Config.autoConfigure(null))
                .withRequestRetryBackoffLimit(1)
                .build();
        return new KubernetesEndpointSource(new KubernetesClientBuilder().withConfig(config).build(), true, settings);
    }

    /** A source on a client the caller owns (and closes). */
    public static KubernetesEndpointSource create(KubernetesClient client, KubernetesSettings settings) {
        return new KubernetesEndpointSource(client, false, settings);
    }

    private KubernetesEndpointSource(KubernetesClient client, boolean ownsClient, KubernetesSettings settings) {
        this.client = requireNonNull(client, "client");
        this.ownsClient = ownsClient;
        this.settings = requireNonNull(settings, "settings");
        this.ports = PortChoice.of(settings);
        this.namespace = namespace(settings, client);
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "qgate-discovery");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The configured namespace, else the client's (the pod's own, or the kubeconfig context's), else default. */
    static String namespace(KubernetesSettings settings, KubernetesClient client) {
        if (!settings.namespace().isEmpty()) {
            return settings.namespace();
        }
        String own = client.getNamespace();
        return own == null || own.isBlank() ? "default" : own;
    }

    public String namespace() {
        return namespace;
    }

    @Override
    public void start(Consumer<EndpointSnapshot> newListener) {
        this.listener = requireNonNull(newListener, "listener");
        log.info("discovering replicas of service {} in namespace {} from {} via {} ({})", settings.service(),
                namespace, client.getMasterUrl(), settings.api().label(), portsText());
        startInformer(settings.api() == KubernetesSettings.Api.ENDPOINTS
                ? KubernetesSettings.Api.ENDPOINTS : KubernetesSettings.Api.ENDPOINTSLICES);
        executor.scheduleWithFixedDelay(this::check, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
    }

    private String portsText() {
        return "port " + (settings.portName().isEmpty() ? "first" : settings.portName()) + ", metrics port "
                + (settings.metricsPort().isEmpty() ? "none" : settings.metricsPort());
    }

    private synchronized void startInformer(KubernetesSettings.Api api) {
        if (closed) {
            return;
        }
        SharedIndexInformer<?> next;
        if (api == KubernetesSettings.Api.ENDPOINTSLICES) {
            SharedIndexInformer<EndpointSlice> slices = client.discovery().v1().endpointSlices()
                    .inNamespace(namespace).withLabel(SERVICE_NAME_LABEL, settings.service()).runnableInformer(0);
            slices.addEventHandler(new Changes<>());
            translation = items -> SliceTranslation.endpoints(cast(items), ports);
            next = slices;
        } else {
            SharedIndexInformer<Endpoints> endpoints = client.endpoints()
                    .inNamespace(namespace).withName(settings.service()).runnableInformer(0);
            endpoints.addEventHandler(new Changes<>());
            translation = items -> EndpointsTranslation.endpoints(cast(items), ports);
            next = endpoints;
        }
        AtomicBoolean fallBack = new AtomicBoolean();
        next.exceptionHandler((started, error) -> {
            if (!started && api == KubernetesSettings.Api.ENDPOINTSLICES
                    && settings.api() == KubernetesSettings.Api.AUTO && cannotList(error)) {
                fallBack.set(true);
                return false;
            }
            executor.execute(() -> reportFailure(error));
            return true;
        });
        informer = next;
        activeApi = api;
        next.start().whenComplete((ignored, error) -> {
            if (error == null) {
                scheduleRebuild();
            } else if (fallBack.get()) {
                log.info("EndpointSlices of namespace {} cannot be listed ({}); falling back to core v1 Endpoints",
                        namespace, describe(error));
                startInformer(KubernetesSettings.Api.ENDPOINTS);
            }
        });
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> cast(List<?> items) {
        return (List<T>) items;
    }

    /** 404: the API is absent (an old cluster); 403: this service account may not list it. */
    private static boolean cannotList(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof KubernetesClientException k && (k.getCode() == 404 || k.getCode() == 403)) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message.lines().findFirst().orElse(""));
    }

    private final class Changes<T> implements ResourceEventHandler<T> {
        @Override
        public void onAdd(T added) {
            changed();
        }

        @Override
        public void onUpdate(T before, T after) {
            changed();
        }

        @Override
        public void onDelete(T deleted, boolean finalStateUnknown) {
            changed();
        }
    }

    private void changed() {
        lastEventNanos = System.nanoTime();
        scheduleRebuild();
    }

    private void scheduleRebuild() {
        if (!closed && rebuildPending.compareAndSet(false, true)) {
            executor.schedule(this::rebuild, SETTLE_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void rebuild() {
        rebuildPending.set(false);
        SharedIndexInformer<?> current = informer;
        if (closed || current == null || !current.hasSynced()) {
            return;
        }
        EndpointSnapshot snapshot = EndpointSnapshot.of(translation.apply(current.getStore().list()));
        if (!snapshot.equals(published)) {
            if (published == null) {
                lastEventNanos = System.nanoTime();
                log.info("synced with the Kubernetes API ({} of service {}): {}", activeApi.label(),
                        settings.service(), snapshot);
            }
            published = snapshot;
            listener.accept(snapshot);
        }
    }

    /** Runs on the executor: logs an outage once and its end once. */
    private void check() {
        SharedIndexInformer<?> current = informer;
        if (closed || current == null) {
            return;
        }
        boolean now = current.isWatching() && current.hasSynced();
        if (now && !connected && outageLogged) {
            log.info("Kubernetes API reachable again; following service {} in namespace {}", settings.service(),
                    namespace);
            outageLogged = false;
        } else if (!now && connected && !outageLogged) {
            log.warn("lost the watch on the Kubernetes API; routing to the {} replicas last known, retrying",
                    published == null ? 0 : published.endpoints().size());
            outageLogged = true;
        }
        connected = now;
        if (now && published == null) {
            rebuild();
        }
    }

    /** Runs on the executor when the informer reports a failure it will retry. */
    private void reportFailure(Throwable error) {
        if (closed || outageLogged) {
            return;
        }
        outageLogged = true;
        if (published == null) {
            log.warn("cannot list {} of service {} in namespace {} ({}); retrying with backoff, not ready until then",
                    activeApi.label(), settings.service(), namespace, describe(error));
        } else {
            log.warn("Kubernetes API unreachable ({}); routing to the {} replicas last known, retrying",
                    describe(error), published.endpoints().size());
        }
    }

    @Override
    public boolean synced() {
        return published != null;
    }

    @Override
    public boolean watching() {
        SharedIndexInformer<?> current = informer;
        return published != null && current != null && current.isWatching();
    }

    @Override
    public long lastEventAgeNanos() {
        return System.nanoTime() - lastEventNanos;
    }

    /** The API in use now ({@code endpoints} after a fallback). */
    public KubernetesSettings.Api activeApi() {
        return activeApi;
    }

    @Override
    public String describe() {
        return "kubernetes service " + settings.service() + " in namespace " + namespace;
    }

    @Override
    public void close() {
        SharedIndexInformer<?> current;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            current = informer;
        }
        if (current != null) {
            current.stop();
        }
        executor.shutdownNow();
        if (ownsClient) {
            client.close();
        }
    }

}
