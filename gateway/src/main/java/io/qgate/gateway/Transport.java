package io.qgate.gateway;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The socket transport: Linux epoll where the native library loads, else Java NIO. Servers and
 * clients in one process share one choice, so upstream connections can live on the event loop
 * of the client connection that uses them.
 */
public record Transport(String name, IoHandlerFactory ioHandlerFactory,
                        Class<? extends ServerChannel> serverChannelClass,
                        Class<? extends SocketChannel> socketChannelClass) {

    /** epoll when available, NIO otherwise. */
    public static Transport best() {
        if (Epoll.isAvailable()) {
            return new Transport("epoll", EpollIoHandler.newFactory(),
                    EpollServerSocketChannel.class, EpollSocketChannel.class);
        }
        return nio();
    }

    public static Transport nio() {
        return new Transport("nio", NioIoHandler.newFactory(),
                NioServerSocketChannel.class, NioSocketChannel.class);
    }

    /** An event loop group of {@code threads} threads (0: one per core) named {@code prefix-N}. */
    public EventLoopGroup newGroup(int threads, String prefix) {
        int count = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        return new MultiThreadIoEventLoopGroup(count, new DefaultThreadFactory(prefix, true), ioHandlerFactory);
    }
}
