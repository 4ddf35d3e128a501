package org.dimse4j.ul;

import org.agrona.concurrent.IdleStrategy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.function.Consumer;

/**
 * Idles an I/O loop by polling (yielding the CPU between polls) for a fixed time after its last work, then
 * blocking in the selector until a socket is ready or a short timeout passes (so that timers are still checked).
 * <p>
 * The spin is bounded in time, not in cycles: a request that arrives within {@code spinNs} of the last one is
 * picked up without a wake-up (on loopback a wake-up from {@code epoll_wait} costs about as much as the whole
 * round trip), while a loop with nothing to do burns at most {@code spinNs} of CPU per burst of work, then none.
 * {@code spinNs} of 0 blocks at once; {@link Long#MAX_VALUE} never blocks.
 * <p>
 * Between polls the thread yields ({@code sched_yield}) rather than spinning on the CPU: on an idle machine that
 * returns at once, but when the cores are shared (a client and a server on one small machine, or other work) the
 * peer that is to send the next message gets the core instead of waiting behind our spin. Measured on 2 shared
 * cores, C-ECHO p99 fell from ~120 µs to ~20-40 µs and the server's CPU per echo by a third (PERFORMANCE.md).
 * <p>
 * The keys that wake a blocking select go straight to {@code onWake}, so that a wake-up costs one poll of the
 * selector rather than two (the loop's own {@code selectNow} would otherwise find the same keys again, since Java's
 * selectors are level-triggered).
 */
public final class SelectorIdleStrategy implements IdleStrategy
{
    private final Selector selector;
    private final Consumer<SelectionKey> onWake;
    private final long spinNs;
    private final long maxBlockMs;
    private boolean spinning;
    private long idleSinceNs;

    /**
     * @param selector   the loop's selector.
     * @param onWake     runs each key ready when a blocking select returns (the loop's own handler); null = leave
     *                   them to the loop's next poll.
     * @param spinNs     how long to keep polling after the last work before blocking, nanoseconds.
     * @param maxBlockMs longest block in the selector, milliseconds.
     */
    public SelectorIdleStrategy(final Selector selector, final Consumer<SelectionKey> onWake, final long spinNs,
        final long maxBlockMs)
    {
        if (spinNs < 0 || maxBlockMs < 1)
        {
            throw new IllegalArgumentException("spinNs must be >= 0 and maxBlockMs >= 1");
        }
        this.selector = selector;
        this.onWake = onWake;
        this.spinNs = spinNs;
        this.maxBlockMs = maxBlockMs;
    }

    /** {@inheritDoc} */
    @Override
    public void idle(final int workCount)
    {
        if (workCount > 0)
        {
            spinning = false;
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
        if (spinNs > 0)
        {
            final long nowNs = System.nanoTime();
            if (!spinning)
            {
                spinning = true;
                idleSinceNs = nowNs;
            }
            if (nowNs - idleSinceNs < spinNs)
            {
                Thread.yield();
                return;
            }
        }
        try
        {
            final int ready;
            if (onWake != null)
            {
                ready = selector.select(onWake, maxBlockMs);
            }
            else
            {
                ready = selector.select(maxBlockMs);
                selector.selectedKeys().clear();
            }
            // work done on waking: spin afresh, since the answer to it tends to come back soon
            spinning = ready == 0 && spinning;
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
        spinning = false;
    }

    /** {@inheritDoc} */
    @Override
    public String alias()
    {
        return "selector";
    }
}
