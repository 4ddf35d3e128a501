package org.dimse4j.cli;

import org.dimse4j.ae.ApplicationEntity;
import org.dimse4j.ae.Server;
import org.dimse4j.archive.DirectoryStore;
import org.dimse4j.data.TransferSyntax;
import org.dimse4j.dimse.Status;
import org.dimse4j.service.InstanceStore;
import org.dimse4j.service.InstanceWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code bench loopback}: the embedded suite. Our client against our server in this one JVM over loopback (C-ECHO
 * ping-pong; C-STORE streams of 512 KiB instances and of 4 KiB instances with the window), beside raw TCP on the
 * same loopback in the same run (ping-pong and bulk): the physical ceiling our figures are quoted against, as
 * ratios.
 */
@Command(name = "loopback", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Embedded loopback suite: in-process client and server (C-ECHO ping-pong, C-STORE 512 KiB and " +
        "4 KiB with a window), beside a raw TCP ping-pong and bulk transfer on the same loopback in the same run; " +
        "prints each against the raw ceiling.",
        "The server discards data sets unless --archive is given (then it writes files, as storescp does)."})
final class BenchLoopback implements Callable<Integer>
{
    @Option(names = {"--echoes"}, paramLabel = "N", description = "Measured C-ECHO (default: ${DEFAULT-VALUE}).")
    long echoes = 50_000;

    @Option(names = {"--large"}, paramLabel = "N", description = "Measured 512 KiB C-STORE (default: ${DEFAULT-VALUE}).")
    long large = 1_000;

    @Option(names = {"--small"}, paramLabel = "N", description = "Measured 4 KiB C-STORE (default: ${DEFAULT-VALUE}).")
    long small = 20_000;

    @Option(names = {"--window"}, paramLabel = "W", description = "Window for the 4 KiB stream (default: ${DEFAULT-VALUE}).")
    int window = 16;

    @Option(names = {"--megabytes"}, paramLabel = "N", description = "Raw TCP bulk MiB (default: ${DEFAULT-VALUE}).")
    int megabytes = 1024;

    @Option(names = {"-pdu", "--max-pdu"}, paramLabel = "N",
        description = "Maximum PDU length of both ends (default: ${DEFAULT-VALUE}).")
    int maxPdu = 131_072;

    @Option(names = {"--archive"}, paramLabel = "DIR", description = "Store instances as files here instead of discarding them.")
    Path archive;

    @Option(names = {"--busy-spin"}, description = "The server's I/O thread spins instead of blocking in its selector.")
    boolean busySpin;

    @Option(names = {"--spin-micros"}, paramLabel = "MICROS",
        description = "Spin time of the server's I/O loop and of the client's waiting calls (default: ${DEFAULT-VALUE}).")
    long spinMicros = ApplicationEntity.Builder.DEFAULT_SPIN_MICROS;

    @Option(names = {"-q", "--quiet"}, description = "Only warnings and errors in the log (the server logs each association).")
    boolean quiet;

    @Option(names = {"--out"}, paramLabel = "PREFIX",
        description = "Write PREFIX-echo.*, PREFIX-store512k.*, PREFIX-store4k.* (as bench --out) and PREFIX-tcp.hgrm.")
    String out;

    @Override
    public Integer call() throws Exception
    {
        final PrintStream stdout = System.out;
        final InstanceStore store = archive != null ? DirectoryStore.of(archive) : request -> Discard.INSTANCE;
        final ApplicationEntity scp = ApplicationEntity.named("LOOPBACK").acceptVerification()
            .acceptStorage(TransferSyntax.ALL_KNOWN, store).maxPduLength(maxPdu).asyncOperationsWindow(1, 0xFFFF)
            .busySpin(busySpin).spinMicros(spinMicros).build();
        int failures = 0;
        final BenchRecording.Result echo;
        final BenchRecording.Result large512;
        final BenchRecording.Result small4;
        try (Server server = scp.listen(new InetSocketAddress("127.0.0.1", 0)))
        {
            stdout.println("== C-ECHO ping-pong, one association, window 1");
            echo = configure(new BenchEcho(), server.port(), echoes, 1, "echo").execute(stdout, System.err);
            stdout.println("== C-STORE 512 KiB, one association, window 1");
            final BenchStore bigStore = configure(new BenchStore(), server.port(), large, 1, "store512k");
            bigStore.size = "512K";
            large512 = bigStore.execute(stdout, System.err);
            stdout.println("== C-STORE 4 KiB, one association, window " + window);
            final BenchStore smallStore = configure(new BenchStore(), server.port(), small, window, "store4k");
            smallStore.size = "4K";
            small4 = smallStore.execute(stdout, System.err);
            failures += echo.exitCode() + large512.exitCode() + small4.exitCode();
        }
        stdout.println("== raw TCP on the same loopback (spinning ping-pong, bulk)");
        final TcpCeiling.Ceiling tcp = TcpCeiling.measure(megabytes, 10_000, (int)Math.min(echoes, 1_000_000));
        final double tcpP50 = tcp.roundTrip().getValueAtPercentile(50) / BenchRecording.NS_PER_US;
        final double tcpP99 = tcp.roundTrip().getValueAtPercentile(99) / BenchRecording.NS_PER_US;
        stdout.printf("raw TCP ping-pong: %.0f round trips/s, p50 %.1f us, p99 %.1f us; bulk %.0f MB/s%n",
            tcp.roundTripsPerSecond(), tcpP50, tcpP99, tcp.bulkMegabytesPerSecond());
        if (out != null)
        {
            BenchRecording.writeHgrm(tcp.roundTrip(), Path.of(out + "-tcp.hgrm"));
        }
        stdout.println("== against the raw ceiling");
        stdout.printf("C-ECHO: %.0f round trips/s = %.2f x raw TCP's; p50 %.1f us = %.2f x raw; p99 %.1f us = " +
            "%.2f x raw (target: within 3x)%n", echo.opsPerSecond(), echo.opsPerSecond() / tcp.roundTripsPerSecond(),
            echo.micros(50), echo.micros(50) / tcpP50, echo.micros(99), echo.micros(99) / tcpP99);
        stdout.printf("C-STORE 512 KiB: %.0f MB/s = %.2f of raw TCP bulk (target: at least 0.5)%n",
            large512.megabytesPerSecond(), large512.megabytesPerSecond() / tcp.bulkMegabytesPerSecond());
        stdout.printf("C-STORE 4 KiB, window %s: %.0f instances/s, %.1f MB/s = %.3f of raw TCP bulk%n",
            small4.granted(), small4.opsPerSecond(), small4.megabytesPerSecond(),
            small4.megabytesPerSecond() / tcp.bulkMegabytesPerSecond());
        return failures == 0 ? 0 : 1;
    }

    private <T extends BenchScu> T configure(final T bench, final int port, final long count, final int w,
        final String name)
    {
        bench.host = "127.0.0.1";
        bench.port = port;
        bench.calledAeTitle = "LOOPBACK";
        bench.count = count;
        bench.warmup = Math.max(1, count / 5);
        bench.window = w;
        bench.network = new NetworkOptions();
        bench.network.maxPdu = maxPdu;
        bench.network.spinMicros = spinMicros;
        bench.network.quiet = true;
        bench.out = out == null ? null : out + "-" + name;
        return bench;
    }

    /** Takes a data set and forgets it: the stack's cost without the file system's. */
    private static final class Discard implements InstanceWriter
    {
        static final Discard INSTANCE = new Discard();

        @Override
        public void write(final org.agrona.DirectBuffer buffer, final int offset, final int length)
        {
        }

        @Override
        public int commit()
        {
            return Status.SUCCESS;
        }

        @Override
        public void abort()
        {
        }
    }
}
