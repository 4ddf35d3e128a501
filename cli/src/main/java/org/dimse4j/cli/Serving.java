package org.dimse4j.cli;

import org.dimse4j.ae.ApplicationEntity;
import org.dimse4j.ae.Server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * How every SCP tool runs: listen, print one line saying where, serve until Ctrl-C (a shutdown hook closes the
 * server) or, in-process, until the thread is interrupted (tests, embedding), then return 0.
 */
final class Serving
{
    private Serving()
    {
    }

    /**
     * @param ae          the application entity to serve.
     * @param address     where to listen.
     * @param banner      the line to print, given the bound port.
     * @param onListening told of the server once it listens (may be null).
     * @param afterClose  closed once the server is, e.g. the store (may be null).
     * @return 0.
     * @throws IOException if it cannot listen.
     */
    static int untilStopped(final ApplicationEntity ae, final InetSocketAddress address,
        final IntFunction<String> banner, final Consumer<Server> onListening, final AutoCloseable afterClose)
        throws IOException
    {
        final CountDownLatch stopped = new CountDownLatch(1);
        final Server server = ae.listen(address);
        if (onListening != null)
        {
            onListening.accept(server);
        }
        final Thread hook = new Thread(() ->
        {
            server.close();
            closeQuietly(afterClose);
            stopped.countDown();
        }, "dimse4j-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        System.out.println(banner.apply(server.port()));
        try
        {
            stopped.await();
        }
        catch (final InterruptedException ex)
        {
            Runtime.getRuntime().removeShutdownHook(hook);
            server.close();
            closeQuietly(afterClose);
        }
        return 0;
    }

    private static void closeQuietly(final AutoCloseable resource)
    {
        if (resource == null)
        {
            return;
        }
        try
        {
            resource.close();
        }
        catch (final Exception ex)
        {
            System.err.println("closing " + resource + ": " + ex);
        }
    }
}
