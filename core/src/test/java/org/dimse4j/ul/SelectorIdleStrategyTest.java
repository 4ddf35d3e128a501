package org.dimse4j.ul;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class SelectorIdleStrategyTest
{
    private Selector selector;
    private Pipe pipe;
    private SelectionKey key;
    private final List<SelectionKey> woken = new ArrayList<>();

    @BeforeEach
    void open() throws IOException
    {
        selector = Selector.open();
        pipe = Pipe.open();
        pipe.source().configureBlocking(false);
        key = pipe.source().register(selector, SelectionKey.OP_READ);
    }

    @AfterEach
    void close() throws IOException
    {
        pipe.sink().close();
        pipe.source().close();
        selector.close();
    }

    private void makeReadable() throws IOException
    {
        pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
    }

    @Test
    void shouldHandReadyKeysToOnWakeWhenItBlocks() throws IOException
    {
        final SelectorIdleStrategy idle = new SelectorIdleStrategy(selector, woken::add, 0, 1000);
        makeReadable();

        idle.idle(0);

        assertEquals(1, woken.size());
        assertSame(key, woken.get(0));
        assertTrue(selector.selectedKeys().isEmpty());
    }

    @Test
    void shouldPollWithoutTheSelectorWithinTheSpinTime() throws IOException
    {
        final SelectorIdleStrategy idle = new SelectorIdleStrategy(selector, woken::add, Long.MAX_VALUE, 1000);
        makeReadable();

        for (int i = 0; i < 1000; i++)
        {
            idle.idle(0);
        }

        assertEquals(0, woken.size(), "a spinning loop leaves the keys to its own poll");
    }

    @Test
    void shouldBlockOnceTheSpinTimeHasPassed() throws IOException
    {
        final SelectorIdleStrategy idle = new SelectorIdleStrategy(selector, woken::add, 1_000_000L, 1000);
        makeReadable();
        idle.idle(0); // starts the spin: 1 ms

        final long start = System.nanoTime();
        while (woken.isEmpty() && System.nanoTime() - start < 5_000_000_000L)
        {
            idle.idle(0);
        }

        assertEquals(1, woken.size());
    }

    @Test
    void shouldSpinAfreshAfterWork() throws IOException
    {
        final SelectorIdleStrategy idle = new SelectorIdleStrategy(selector, woken::add, 60_000_000_000L, 1000);
        idle.idle(0);
        idle.idle(1); // work: the next idle cycle starts a new spin
        makeReadable();

        idle.idle(0);

        assertEquals(0, woken.size());
    }

    @Test
    void shouldReturnAfterTheLongestBlockWhenNothingIsReady()
    {
        final SelectorIdleStrategy idle = new SelectorIdleStrategy(selector, woken::add, 0, 1);

        idle.idle(0);
        idle.idle(0);

        assertEquals(0, woken.size());
    }

    @Test
    void shouldLeaveKeysToTheLoopWithoutOnWake() throws IOException
    {
        final SelectorIdleStrategy idle = new SelectorIdleStrategy(selector, null, 0, 1000);
        makeReadable();

        idle.idle(0);

        assertTrue(selector.selectedKeys().isEmpty());
        assertEquals(1, selector.selectNow(), "level-triggered: the loop's next poll finds the key");
    }

    @Test
    void shouldRejectANegativeSpin()
    {
        assertThrows(IllegalArgumentException.class, () -> new SelectorIdleStrategy(selector, null, -1, 10));
    }
}
