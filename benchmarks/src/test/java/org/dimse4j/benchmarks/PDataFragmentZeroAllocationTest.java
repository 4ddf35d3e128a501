package org.dimse4j.benchmarks;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Deterministic companion of the JMH gate for {@link PDataFragmentBenchmark}, whose operations are long enough for
 * JMH's background allocation to blur {@code gc.alloc.rate.norm}: the thread's own allocation counter must not move
 * over rounds of fragmenting the 512 KiB data set, after a first round that pays one-off call-site linkage.
 */
class PDataFragmentZeroAllocationTest
{
    private static final int ROUNDS = 5;
    private static final int DATA_SETS_PER_ROUND = 2_000;

    @Test
    void shouldFragmentWithoutAllocating()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final PDataFragmentBenchmark benchmark = new PDataFragmentBenchmark();
        benchmark.setUp();
        final long expected = (long)PDataFragmentBenchmark.DATA_SET_LENGTH +
            PDataFragmentBenchmark.PDUS_PER_DATA_SET * 12L;
        assertEquals(expected, benchmark.fragmentDataSet());

        for (int round = 0; round < ROUNDS; round++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            long sink = 0;
            for (int i = 0; i < DATA_SETS_PER_ROUND; i++)
            {
                sink += benchmark.fragmentDataSet();
            }
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertEquals(expected * DATA_SETS_PER_ROUND, sink);
            if (round > 0)
            {
                assertEquals(0, allocated, "bytes allocated in round " + round);
            }
        }
    }
}
