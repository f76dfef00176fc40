package io.qgate.bench.load;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/** Native epoll where the platform and the class path have it, NIO elsewhere. */
record Transport(String name, IoHandlerFactory ioHandlerFactory, Class<? extends SocketChannel> channelClass) {

    static Transport best() {
        Transport epoll = epoll();
        return epoll != null ? epoll : new Transport("nio", NioIoHandler.newFactory(), NioSocketChannel.class);
    }

    /**
     * Looked up by name because the native transport reaches this module only through the
     * gateway's dependencies, and whether it does depends on how the module is packaged.
     */
    private static Transport epoll() {
        try {
            Class<?> epoll = Class.forName("io.netty.channel.epoll.Epoll");
            if (!(Boolean) epoll.getMethod("isAvailable").invoke(null)) {
                return null;
            }
            IoHandlerFactory factory = (IoHandlerFactory) Class.forName("io.netty.channel.epoll.EpollIoHandler")
                    .getMethod("newFactory").invoke(null);
            Class<? extends SocketChannel> channel = Class.forName("io.netty.channel.epoll.EpollSocketChannel")
                    .asSubclass(SocketChannel.class);
            return new Transport("epoll", factory, channel);
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }
}
