package org.dimse4j.benchmarks;

import org.junit.jupiter.api.Test;

import static org.dimse4j.testing.AllocationAssert.assertNoAllocation;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Deterministic companion of the JMH gate for {@link PDataFragmentBenchmark}, whose operations are long enough for
 * JMH's background allocation to blur {@code gc.alloc.rate.norm}: the thread's own allocation counter must not move
 * over rounds of fragmenting the 512 KiB data set ({@code AllocationAssert}: warm-up, then three clean rounds in one
 * of five tries, since a one-off JIT recompilation on the test thread once read 88 bytes in CI).
 */
class PDataFragmentZeroAllocationTest
{
    private static final int DATA_SETS_PER_ROUND = 2_000;

    @Test
    void shouldFragmentWithoutAllocating()
    {
        final PDataFragmentBenchmark benchmark = new PDataFragmentBenchmark();
        benchmark.setUp();
        final long expected = (long)PDataFragmentBenchmark.DATA_SET_LENGTH +
            PDataFragmentBenchmark.PDUS_PER_DATA_SET * 12L;
        assertEquals(expected, benchmark.fragmentDataSet());

        final long[] sink = new long[1];
        assertNoAllocation("P-DATA-TF fragmentation of a 512 KiB data set", () ->
        {
            long written = 0;
            for (int i = 0; i < DATA_SETS_PER_ROUND; i++)
            {
                written += benchmark.fragmentDataSet();
            }
            sink[0] = written;
        });
        assertEquals(expected * DATA_SETS_PER_ROUND, sink[0]);
    }
}
