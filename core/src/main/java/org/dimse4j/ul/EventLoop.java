package org.dimse4j.ul;

import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * An I/O loop that owns a set of accepted associations and, optionally, listening sockets: an Agrona
 * {@link Agent} run by an {@code AgentRunner} with a {@link SelectorIdleStrategy}.
 * <p>
 * Each duty cycle reads the clock once, takes new connections handed over from other threads, polls the selector
 * without blocking and runs the ready associations, and every few milliseconds lets every association check its
 * timers. A fault in one association is contained there: it is aborted and logged, and the loop goes on.
 */
public final class EventLoop implements Agent
{
    private static final Logger LOG = LoggerFactory.getLogger(EventLoop.class);
    private static final long TIMER_INTERVAL_NS = 5_000_000L;

    /**
     * Where accepted connections go and what they are given.
     *
     * @param settings  limits and timeouts for each association.
     * @param policy    what the acceptor agrees to.
     * @param listeners makes the upper layer of each new association.
     * @param limit     the most associations open at once on this server; further ones are rejected.
     */
    public record Acceptor(AssociationSettings settings, AcceptorPolicy policy,
        Supplier<AssociationListener> listeners, ServerCounter limit)
    {
    }

    /**
     * Counts a server's open associations across its loops.
     */
    public static final class ServerCounter
    {
        private final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
        private final int max;

        /**
         * @param max the most associations open at once; 0 = no limit.
         */
        public ServerCounter(final int max)
        {
            this.max = max;
        }

        /** @return associations open now. */
        public int open()
        {
            return open.get();
        }

        boolean tryAcquire()
        {
            final int n = open.incrementAndGet();
            return max == 0 || n <= max;
        }

        void release()
        {
            open.decrementAndGet();
        }
    }

    private record Handover(SocketChannel channel, Acceptor acceptor)
    {
    }

    private final String roleName;
    private final Selector selector;
    private final ManyToOneConcurrentArrayQueue<Handover> handovers = new ManyToOneConcurrentArrayQueue<>(1024);
    private final List<Association> associations = new ArrayList<>();
    private final List<ServerSocketChannel> servers = new ArrayList<>();
    private final List<Association> buffered = new ArrayList<>();
    private final Consumer<SelectionKey> onReady = this::onReady;
    private final Consumer<SelectionKey> onWake = this::onWake;
    private final EventLoop[] peers;
    private int nextPeer;
    private long nowNs;
    private long nextTimerCheckNs;

    /**
     * @param roleName name of the agent (thread).
     * @param peers    loops that share accepted connections with this one (may include this one); null = only this.
     */
    public EventLoop(final String roleName, final EventLoop[] peers)
    {
        this.roleName = roleName;
        this.peers = peers;
        try
        {
            this.selector = Selector.open();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** @return the selector, for the idle strategy. */
    public Selector selector()
    {
        return selector;
    }

    /**
     * @return runs a key that became ready while the idle strategy blocked in {@link #selector()}, on this loop's
     *         thread; see {@link SelectorIdleStrategy}.
     */
    public Consumer<SelectionKey> onWake()
    {
        return onWake;
    }

    /**
     * Listens on a bound server socket (call before the loop runs, or from its thread).
     *
     * @param server   a bound server socket.
     * @param acceptor what accepted connections get.
     * @throws IOException if it cannot be registered.
     */
    public void listen(final ServerSocketChannel server, final Acceptor acceptor) throws IOException
    {
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT, acceptor);
        servers.add(server);
    }

    /**
     * Hands an accepted connection to this loop, from any thread.
     *
     * @param channel  the connection.
     * @param acceptor what it gets.
     * @return false if the hand-over queue is full.
     */
    public boolean handOver(final SocketChannel channel, final Acceptor acceptor)
    {
        final boolean offered = handovers.offer(new Handover(channel, acceptor));
        if (offered)
        {
            selector.wakeup();
        }
        return offered;
    }

    /** {@inheritDoc} */
    @Override
    public int doWork()
    {
        nowNs = System.nanoTime();
        int work = handovers.drain(this::adopt, 64);
        try
        {
            work += selector.selectNow(onReady);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        for (int i = buffered.size() - 1; i >= 0; i--)
        {
            // TLS records already read from the socket: the selector will not report them
            work += 1 + runAssociation(buffered.remove(i));
        }
        if (nowNs - nextTimerCheckNs >= 0)
        {
            nextTimerCheckNs = nowNs + TIMER_INTERVAL_NS;
            for (int i = associations.size() - 1; i >= 0; i--)
            {
                work += runAssociation(associations.get(i), false);
            }
        }
        return work;
    }

    private void onWake(final SelectionKey key)
    {
        nowNs = System.nanoTime(); // the duty cycle's clock is as old as the block
        onReady(key);
    }

    private void onReady(final SelectionKey key)
    {
        final Object attachment = key.attachment();
        if (attachment instanceof Association)
        {
            runAssociation((Association)attachment);
        }
        else if (attachment instanceof Acceptor && key.isValid() && key.isAcceptable())
        {
            accept((ServerSocketChannel)key.channel(), (Acceptor)attachment);
        }
    }

    private int runAssociation(final Association association)
    {
        return runAssociation(association, true);
    }

    /** @param ready the selector reported the socket (else a timer sweep: no read unless input waits). */
    private int runAssociation(final Association association, final boolean ready)
    {
        int work;
        try
        {
            work = ready ? association.doWork(nowNs) : association.doTimers(nowNs);
        }
        catch (final RuntimeException ex)
        {
            LOG.error("{}: unexpected failure; aborting the association", association.name(), ex);
            try
            {
                association.abort();
            }
            catch (final RuntimeException ignore)
            {
                association.close();
            }
            work = 1;
        }
        if (association.isClosed())
        {
            associations.remove(association);
        }
        else if (association.hasBufferedInput() && !buffered.contains(association))
        {
            buffered.add(association);
        }
        return work;
    }

    private void accept(final ServerSocketChannel server, final Acceptor acceptor)
    {
        for (int i = 0; i < 16; i++)
        {
            final SocketChannel channel;
            try
            {
                channel = server.accept();
            }
            catch (final IOException ex)
            {
                LOG.warn("accept failed: {}", ex.toString());
                return;
            }
            if (channel == null)
            {
                return;
            }
            final EventLoop target = peers == null || peers.length == 0 ? this : peers[nextPeer++ % peers.length];
            if (target == this)
            {
                adopt(new Handover(channel, acceptor));
            }
            else if (!target.handOver(channel, acceptor))
            {
                LOG.warn("loop {} is saturated; closing a new connection", target.roleName);
                CloseHelper.quietClose(channel);
            }
        }
    }

    private void adopt(final Handover handover)
    {
        final Acceptor acceptor = handover.acceptor();
        final ServerCounter counter = acceptor.limit();
        final boolean withinLimit = counter.tryAcquire();
        final AssociationListener upper = acceptor.listeners().get();
        final AssociationListener listener = new AssociationListener()
        {
            @Override
            public void onEstablished(final Association association)
            {
                upper.onEstablished(association);
            }

            @Override
            public void onPdv(final Association association, final int contextId, final int controlHeader,
                final org.agrona.DirectBuffer buffer, final int offset, final int length)
            {
                upper.onPdv(association, contextId, controlHeader, buffer, offset, length);
            }

            @Override
            public void onReleaseRequested(final Association association)
            {
                upper.onReleaseRequested(association);
            }

            @Override
            public int onIdle(final Association association)
            {
                return upper.onIdle(association);
            }

            @Override
            public void onClosed(final Association association)
            {
                counter.release();
                upper.onClosed(association);
            }
        };
        try
        {
            final Association association = Association.accepted(
                handover.channel(), acceptor.settings(), acceptor.policy(), listener, nowNs);
            if (!withinLimit)
            {
                association.rejectAll(org.dimse4j.pdu.FixedPduCodec.REJECTED_TRANSIENT,
                    org.dimse4j.pdu.FixedPduCodec.REJECT_SOURCE_PRESENTATION,
                    org.dimse4j.pdu.FixedPduCodec.REJECT_LOCAL_LIMIT_EXCEEDED);
            }
            final SelectionKey key = handover.channel().register(selector, SelectionKey.OP_READ, association);
            association.selectionKey(key);
            associations.add(association);
            if (LOG.isDebugEnabled())
            {
                LOG.debug("{}: connection accepted on {}", association.name(), roleName);
            }
            runAssociation(association);
        }
        catch (final IOException ex)
        {
            counter.release();
            LOG.warn("cannot set up an accepted connection: {}", ex.toString());
            CloseHelper.quietClose(handover.channel());
        }
    }

    /** @return associations this loop owns now. */
    public int associationCount()
    {
        return associations.size();
    }

    /** {@inheritDoc} Closes every association and listening socket of this loop. */
    @Override
    public void onClose()
    {
        for (final ServerSocketChannel server : servers)
        {
            CloseHelper.quietClose(server);
        }
        for (int i = associations.size() - 1; i >= 0; i--)
        {
            associations.get(i).close();
        }
        associations.clear();
        Handover h;
        while ((h = handovers.poll()) != null)
        {
            CloseHelper.quietClose(h.channel());
        }
        CloseHelper.quietClose(selector);
    }

    /** {@inheritDoc} */
    @Override
    public String roleName()
    {
        return roleName;
    }
}
