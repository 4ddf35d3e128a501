package org.dimse4j.ul;

import org.agrona.concurrent.IdleStrategy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Selector;

/**
 * Idles an I/O loop by first spinning, then blocking in the selector until a socket is ready or a short timeout
 * passes (so that timers are still checked). Since Java's selectors are level-triggered, the loop's next
 * {@code selectNow} sees the sockets that woke it. A spin count of {@link Integer#MAX_VALUE} is a busy spin for
 * low-latency gateways.
 */
public final class SelectorIdleStrategy implements IdleStrategy
{
    private final Selector selector;
    private final int spins;
    private final long maxBlockMs;
    private int idleCount;

    /**
     * @param selector   the loop's selector.
     * @param spins      idle cycles spent spinning before blocking.
     * @param maxBlockMs longest block in the selector, milliseconds.
     */
    public SelectorIdleStrategy(final Selector selector, final int spins, final long maxBlockMs)
    {
        this.selector = selector;
        this.spins = spins;
        this.maxBlockMs = maxBlockMs;
    }

    /** {@inheritDoc} */
    @Override
    public void idle(final int workCount)
    {
        if (workCount > 0)
        {
            idleCount = 0;
        }
        else
        {
            idle();
        }
    }

    /** {@inheritDoc} */
    @Override
    public void idle()
    {
        if (idleCount < spins)
        {
            idleCount++;
            Thread.onSpinWait();
            return;
        }
        try
        {
            selector.select(maxBlockMs);
            selector.selectedKeys().clear();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** {@inheritDoc} */
    @Override
    public void reset()
    {
        idleCount = 0;
    }

    /** {@inheritDoc} */
    @Override
    public String alias()
    {
        return "selector";
    }
}
