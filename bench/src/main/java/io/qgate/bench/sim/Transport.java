package io.qgate.bench.sim;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.lang.reflect.Method;

/**
 * Native epoll when it is there, NIO otherwise.
 *
 * <p>Epoll is looked up by reflection because Netty's BOM gives the native transport runtime
 * scope: its classes are on the classpath when the simulator runs, not when it compiles.
 */
record Transport(IoHandlerFactory ioHandlerFactory, Class<? extends ServerChannel> serverChannelType) {

    private static final Transport BEST = detect();

    static Transport best() {
        return BEST;
    }

    private static Transport detect() {
        try {
            Class<?> epoll = Class.forName("io.netty.channel.epoll.Epoll");
            if (Boolean.TRUE.equals(epoll.getMethod("isAvailable").invoke(null))) {
                Method newFactory = Class.forName("io.netty.channel.epoll.EpollIoHandler").getMethod("newFactory");
                Class<? extends ServerChannel> channelType = Class
                        .forName("io.netty.channel.epoll.EpollServerSocketChannel")
                        .asSubclass(ServerChannel.class);
                return new Transport((IoHandlerFactory) newFactory.invoke(null), channelType);
            }
        } catch (ReflectiveOperationException | LinkageError e) {
            // Not on the classpath or not loadable here: NIO works everywhere.
        }
        return new Transport(NioIoHandler.newFactory(), NioServerSocketChannel.class);
    }
}
