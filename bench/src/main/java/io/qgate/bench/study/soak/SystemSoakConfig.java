package io.qgate.bench.study.soak;

import io.qgate.bench.sim.SimOptions;
import java.nio.file.Path;
import java.util.List;

/** The configuration file each of the system soak's gateways starts with. */
final class SystemSoakConfig {

    private static final String PEERS_SECRET = "the-system-soak-peers-key";
    static final int QUEUE_SIZE = 20;
    static final int PREFIX_CACHE_SIZE = 10_000;

    private SystemSoakConfig() {}

    /**
     * One gateway's file: the two pools, the peers (every gateway lists all three; its own it
     * hears and ignores), priorities read from a header, a queue small enough that the bursts
     * meet its limit, and the lower priority sheddable.
     */
    static String yaml(SoakOptions options, List<Integer> peerPorts, int slot, Path churnFile, Path zeroFile) {
        long queueTimeout = Math.max(2, FaultPlan.cooldownMillis(options.duration()) / 1000);
        StringBuilder peers = new StringBuilder();
        for (int port : peerPorts) {
            peers.append(peers.length() == 0 ? "" : ",").append("127.0.0.1:").append(port);
        }
        return "# The system soak's gateway " + slot + " (written by the soak; ports come from flags).\n"
                + "peers:\n"
                + "  endpoints: \"" + peers + "\"\n"
                + "  port: " + peerPorts.get(slot) + "\n"
                + "  secret: " + PEERS_SECRET + "\n"
                + "# Small enough that the bursts meet it: refusals with 429 are part of what is checked.\n"
                + "admission:\n"
                + "  queue-size: " + QUEUE_SIZE + "\n"
                + "  queue-timeout: " + queueTimeout + "s\n"
                + "  priority-header: " + SoakLoad.PRIORITY_HEADER + "\n"
                + "  sheddable-below: 0\n"
                + "# The prefix cache is bounded (100,000 hashes by default, some 15 MB full) and, with distinct\n"
                + "# prompts, fills for longer than a 10-minute run lasts: that filling is growth, but bounded.\n"
                + "# A tenth of it fills within the warm-up, so that what the heap does after it is the gateway's.\n"
                + "routing:\n"
                + "  prefix-cache-size: " + PREFIX_CACHE_SIZE + "\n"
                + "shutdown:\n"
                + "  delay: 1s\n"
                + "  timeout: 20s\n"
                + "pools:\n"
                + "  - name: " + SystemSoakRun.CHURN_POOL + "\n"
                + "    models: [" + SimOptions.defaults().model() + "]\n"
                + "    discovery: { file: \"" + churnFile.toAbsolutePath() + "\" }\n"
                + "  - name: " + SystemSoakRun.ZERO_POOL + "\n"
                + "    models: [" + SystemSoakRun.ZERO_MODEL + "]\n"
                + "    discovery: { file: \"" + zeroFile.toAbsolutePath() + "\" }\n"
                + "    scale-from-zero: { enabled: true, timeout: 60s }\n";
    }
}
