package org.dimse4j.ae;

import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.dimse4j.dimse.DimseProvider;
import org.dimse4j.ul.EventLoop;
import org.dimse4j.ul.SelectorIdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;

/**
 * A listening application entity: one or more I/O event loops, each an Agrona agent on its own thread, serving
 * the associations accepted on one port. Closing it closes the port and every association.
 */
public final class Server implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(Server.class);

    private final ServerSocketChannel channel;
    private final EventLoop[] loops;
    private final AgentRunner[] runners;
    private final EventLoop.ServerCounter counter;
    private final int port;
    private final java.util.concurrent.ExecutorService moveWorkers;

    Server(final ApplicationEntity ae, final InetSocketAddress address, final int loopCount, final boolean busySpin,
        final int maxAssociations) throws IOException
    {
        counter = new EventLoop.ServerCounter(maxAssociations);
        channel = ServerSocketChannel.open();
        try
        {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, Boolean.TRUE);
            channel.bind(address, 256);
        }
        catch (final IOException ex)
        {
            CloseHelper.quietClose(channel);
            throw new IOException("cannot listen on " + address + ": " + ex.getMessage(), ex);
        }
        port = ((InetSocketAddress)channel.getLocalAddress()).getPort();
        loops = new EventLoop[loopCount];
        for (int i = 0; i < loopCount; i++)
        {
            loops[i] = new EventLoop("dimse4j-" + ae.aeTitle() + "-" + port + "-io-" + i, loops);
        }
        moveWorkers = ae.queryIndex() == null ? null :
            MoveService.newExecutor("dimse4j-" + ae.aeTitle() + "-" + port);
        loops[0].listen(channel, new EventLoop.Acceptor(ae.settings(), ae.policy(),
            () -> new DimseProvider(new ServiceDispatcher(ae.store(), ae.queryIndex(), ae.worklist(),
                ae.aeTitle(), moveWorkers == null ? null : new MoveService(ae, moveWorkers)).nServices(ae)),
                counter));
        runners = new AgentRunner[loopCount];
        for (int i = 0; i < loopCount; i++)
        {
            final IdleStrategy idle = busySpin ? new BusySpinIdleStrategy() :
                new SelectorIdleStrategy(loops[i].selector(), loops[i].onWake(), ae.spinNanos(), 10);
            runners[i] = new AgentRunner(idle, ex -> LOG.error("I/O loop error", ex), null, loops[i]);
            AgentRunner.startOnThread(runners[i]);
        }
        LOG.info("{} listening on port {} with {} I/O loop(s)", ae.aeTitle(), port, loopCount);
    }

    /** @return the bound port (useful when 0 was asked). */
    public int port()
    {
        return port;
    }

    /** @return associations open now. */
    public int openAssociations()
    {
        return counter.open();
    }

    /** Stops the loops, closes the port and every association, and stops C-MOVE sub-operations under way. */
    @Override
    public void close()
    {
        CloseHelper.closeAll(runners);
        if (moveWorkers != null)
        {
            moveWorkers.shutdownNow(); // interrupts: each worker aborts its sub-association
            try
            {
                if (!moveWorkers.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS))
                {
                    LOG.warn("C-MOVE workers still running 5 s after close");
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
