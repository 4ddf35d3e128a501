package org.dimse4j.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Callable;

/**
 * {@code tcp-ceiling}: what plain TCP does on this machine's loopback, the physical ceiling our figures are quoted
 * against: a bulk transfer (MB/s) and a small-message ping-pong (round trips/s), Java NIO with direct buffers and
 * TCP_NODELAY, no DICOM.
 */
@Command(name = "tcp-ceiling", mixinStandardHelpOptions = true,
    description = "Measures raw loopback TCP: bulk MB/s and a spinning 84-byte ping-pong (round trips/s).")
final class TcpCeiling implements Callable<Integer>
{
    @Option(names = {"--megabytes"}, paramLabel = "N", description = "Bulk bytes to send (default: ${DEFAULT-VALUE}).")
    int megabytes = 2048;

    @Option(names = {"--round-trips"}, paramLabel = "N", description = "Ping-pongs (default: ${DEFAULT-VALUE}).")
    int roundTrips = 50_000;

    @Override
    public Integer call() throws Exception
    {
        try (ServerSocketChannel server = ServerSocketChannel.open())
        {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            final int port = ((InetSocketAddress)server.getLocalAddress()).getPort();
            final Thread peer = new Thread(() -> serve(server), "tcp-ceiling-peer");
            peer.start();
            try (SocketChannel client = SocketChannel.open(new InetSocketAddress("127.0.0.1", port)))
            {
                client.setOption(StandardSocketOptions.TCP_NODELAY, Boolean.TRUE);
                final ByteBuffer chunk = ByteBuffer.allocateDirect(128 * 1024);
                final long total = (long)megabytes << 20;
                final long start = System.nanoTime();
                long sent = 0;
                while (sent < total)
                {
                    chunk.clear();
                    sent += client.write(chunk);
                }
                final ByteBuffer ack = ByteBuffer.allocateDirect(1);
                client.read(ack);
                final double bulkSeconds = (System.nanoTime() - start) / 1e9;

                final ByteBuffer ping = ByteBuffer.allocateDirect(84);
                client.configureBlocking(false); // both ends spin on non-blocking reads: the ceiling, not wake-ups
                final long pingStart = System.nanoTime();
                for (int i = 0; i < roundTrips; i++)
                {
                    ping.clear();
                    while (ping.hasRemaining())
                    {
                        client.write(ping);
                    }
                    ping.clear();
                    while (ping.hasRemaining())
                    {
                        client.read(ping);
                    }
                }
                final double pingSeconds = (System.nanoTime() - pingStart) / 1e9;
                System.out.printf("loopback TCP bulk: %.0f MB/s (%d MiB in %.3f s)%n", total / 1e6 / bulkSeconds,
                    megabytes, bulkSeconds);
                System.out.printf("loopback TCP ping-pong (84 bytes): %.0f round trips/s, %.1f us each%n",
                    roundTrips / pingSeconds, pingSeconds / roundTrips * 1e6);
            }
            peer.join(10_000);
        }
        return 0;
    }

    private void serve(final ServerSocketChannel server)
    {
        try (SocketChannel peer = server.accept())
        {
            peer.setOption(StandardSocketOptions.TCP_NODELAY, Boolean.TRUE);
            final ByteBuffer sink = ByteBuffer.allocateDirect(256 * 1024);
            long left = (long)megabytes << 20;
            while (left > 0)
            {
                sink.clear();
                if (sink.capacity() > left)
                {
                    sink.limit((int)left);
                }
                final int n = peer.read(sink);
                if (n < 0)
                {
                    return;
                }
                left -= n;
            }
            peer.write(ByteBuffer.allocateDirect(1));
            peer.configureBlocking(false);
            final ByteBuffer pong = ByteBuffer.allocateDirect(84);
            for (int i = 0; i < roundTrips; i++)
            {
                pong.clear();
                while (pong.hasRemaining())
                {
                    if (peer.read(pong) < 0)
                    {
                        return;
                    }
                }
                pong.flip();
                while (pong.hasRemaining())
                {
                    peer.write(pong);
                }
            }
        }
        catch (final java.io.IOException ex)
        {
            System.err.println("tcp-ceiling peer: " + ex);
        }
    }
}
