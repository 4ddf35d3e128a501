package org.dimse4j.cli;

import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Callable;

/**
 * {@code tcp-ceiling}: what plain TCP does on this machine's loopback, the physical ceiling our figures are quoted
 * against: a bulk transfer (MB/s) and a small-message ping-pong (round trips/s, and each round trip's latency in an
 * HdrHistogram), Java NIO with direct buffers and TCP_NODELAY, no DICOM.
 */
@Command(name = "tcp-ceiling", mixinStandardHelpOptions = true,
    description = "Measures raw loopback TCP: bulk MB/s and a spinning 84-byte ping-pong (round trips/s, latency).")
final class TcpCeiling implements Callable<Integer>
{
    /** The ping-pong message: the size of a P-DATA-TF carrying a C-ECHO-RQ. */
    static final int PING_BYTES = 84;

    @Option(names = {"--megabytes"}, paramLabel = "N", description = "Bulk bytes to send (default: ${DEFAULT-VALUE}).")
    int megabytes = 2048;

    @Option(names = {"--round-trips"}, paramLabel = "N", description = "Ping-pongs (default: ${DEFAULT-VALUE}).")
    int roundTrips = 50_000;

    /**
     * What raw loopback TCP did.
     *
     * @param bulkMegabytesPerSecond bulk transfer rate.
     * @param roundTripsPerSecond    ping-pong rate.
     * @param roundTrip              each measured round trip, nanoseconds.
     */
    record Ceiling(double bulkMegabytesPerSecond, double roundTripsPerSecond, Histogram roundTrip)
    {
    }

    @Override
    public Integer call() throws Exception
    {
        final Ceiling ceiling = measure(megabytes, roundTrips / 10, roundTrips);
        System.out.printf("loopback TCP bulk: %.0f MB/s (%d MiB)%n", ceiling.bulkMegabytesPerSecond(), megabytes);
        System.out.printf("loopback TCP ping-pong (%d bytes): %.0f round trips/s, %.1f us each; p50 %.1f us, " +
            "p99 %.1f us, p99.9 %.1f us%n", PING_BYTES, ceiling.roundTripsPerSecond(),
            1e6 / ceiling.roundTripsPerSecond(), ceiling.roundTrip().getValueAtPercentile(50) / 1e3,
            ceiling.roundTrip().getValueAtPercentile(99) / 1e3, ceiling.roundTrip().getValueAtPercentile(99.9) / 1e3);
        return 0;
    }

    /**
     * Measures the loopback: a bulk transfer, then a ping-pong whose round trips (after {@code warmup} unrecorded
     * ones) go into a histogram.
     *
     * @param megabytes  MiB of bulk transfer.
     * @param warmup     unrecorded round trips first.
     * @param roundTrips recorded round trips.
     * @return the rates and the round-trip histogram.
     * @throws IOException if the loopback fails.
     */
    static Ceiling measure(final int megabytes, final int warmup, final int roundTrips) throws IOException
    {
        final Histogram histogram = new Histogram(BenchRecording.HIGHEST_NS, 3);
        try (ServerSocketChannel server = ServerSocketChannel.open())
        {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            final int port = ((InetSocketAddress)server.getLocalAddress()).getPort();
            final Thread peer = new Thread(() -> serve(server, megabytes, warmup + roundTrips), "tcp-ceiling-peer");
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
                    if (chunk.capacity() > total - sent)
                    {
                        chunk.limit((int)(total - sent));
                    }
                    sent += client.write(chunk);
                }
                final ByteBuffer ack = ByteBuffer.allocateDirect(1);
                client.read(ack);
                final double bulkSeconds = (System.nanoTime() - start) / 1e9;

                final ByteBuffer ping = ByteBuffer.allocateDirect(PING_BYTES);
                client.configureBlocking(false); // both ends spin on non-blocking reads: the ceiling, not wake-ups
                long pingStart = 0;
                for (int i = 0; i < warmup + roundTrips; i++)
                {
                    final long t0 = System.nanoTime();
                    if (i == warmup)
                    {
                        pingStart = t0;
                    }
                    ping.clear();
                    while (ping.hasRemaining())
                    {
                        client.write(ping);
                    }
                    ping.clear();
                    while (ping.hasRemaining())
                    {
                        if (client.read(ping) < 0)
                        {
                            throw new IOException("the ping-pong peer closed the connection");
                        }
                    }
                    if (i >= warmup)
                    {
                        histogram.recordValue(Math.min(System.nanoTime() - t0, BenchRecording.HIGHEST_NS));
                    }
                }
                final double pingSeconds = (System.nanoTime() - pingStart) / 1e9;
                return new Ceiling(total / 1e6 / bulkSeconds, roundTrips / pingSeconds, histogram);
            }
            finally
            {
                try
                {
                    peer.join(10_000);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static void serve(final ServerSocketChannel server, final int megabytes, final int roundTrips)
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
            final ByteBuffer pong = ByteBuffer.allocateDirect(PING_BYTES);
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
        catch (final IOException ex)
        {
            System.err.println("tcp-ceiling peer: " + ex);
        }
    }
}
