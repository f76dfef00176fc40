package io.qgate.bench.study.soak;

import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.Locale;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The gateway's heap, read over JMX from outside its process: the JDK's attach mechanism starts
 * the gateway's local management agent (nothing listens on a port), and each sample first asks for
 * a full collection, so that what is left is what the gateway really holds. The gateway exports no
 * JVM metrics of its own, so this is the one way to see its heap without changing it.
 */
final class GatewayHeap implements AutoCloseable {

    /** One reading after a full GC, in bytes; {@code oldGenUsed} is -1 when no old generation pool was found. */
    record Sample(long atNanos, long heapUsed, long oldGenUsed, long heapCommitted) {

        static double mb(long bytes) {
            return bytes / (1024.0 * 1024.0);
        }
    }

    private final JMXConnector connector;
    private final MemoryMXBean memory;
    private final List<MemoryPoolMXBean> oldGen;

    private GatewayHeap(JMXConnector connector, MemoryMXBean memory, List<MemoryPoolMXBean> oldGen) {
        this.connector = connector;
        this.memory = memory;
        this.oldGen = oldGen;
    }

    /** Attaches to the JVM {@code pid}; throws if the JDK cannot (a JRE without jdk.attach, another user). */
    static GatewayHeap attach(long pid) throws IOException {
        String address;
        try {
            VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
            try {
                address = vm.startLocalManagementAgent();
            } finally {
                vm.detach();
            }
        } catch (com.sun.tools.attach.AttachNotSupportedException e) {
            throw new IOException("cannot attach to " + pid + ": " + e.getMessage(), e);
        }
        JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
        try {
            MBeanServerConnection server = connector.getMBeanServerConnection();
            MemoryMXBean memory = ManagementFactory.newPlatformMXBeanProxy(server,
                    ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
            List<MemoryPoolMXBean> oldGen = ManagementFactory.getPlatformMXBeans(server, MemoryPoolMXBean.class)
                    .stream()
                    .filter(pool -> pool.getType() == MemoryType.HEAP && isOld(pool.getName()))
                    .toList();
            return new GatewayHeap(connector, memory, oldGen);
        } catch (IOException | RuntimeException e) {
            connector.close();
            throw e;
        }
    }

    /** G1 Old Gen, PS Old Gen, Tenured Gen (serial), ZGC/Shenandoah have no separate pool. */
    private static boolean isOld(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.contains("old") || lower.contains("tenured");
    }

    /** Runs a full GC in the gateway, then reads its heap. */
    Sample sampleAfterGc() {
        memory.gc();
        long heapUsed = memory.getHeapMemoryUsage().getUsed();
        long committed = memory.getHeapMemoryUsage().getCommitted();
        long old = oldGen.isEmpty() ? -1 : oldGen.stream().mapToLong(pool -> pool.getUsage().getUsed()).sum();
        return new Sample(System.nanoTime(), heapUsed, old, committed);
    }

    @Override
    public void close() {
        try {
            connector.close();
        } catch (IOException e) {
            // The gateway has gone; nothing is left to close.
        }
    }
}
