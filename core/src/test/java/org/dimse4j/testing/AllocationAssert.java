package org.dimse4j.testing;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The strict in-process allocation check (BUILD-NOTES 3.5, STYLE D3): the thread's allocated-bytes counter must
 * read exactly 0 over rounds of a hot-path loop.
 * <p>
 * Under surefire a round now and then reads a one-off 72-136 bytes (JIT recompilation on the test thread, not the
 * code under test: it never repeats). So after warming up for at least 200 ms, three rounds are measured, and
 * this is tried up to five times; it passes when one try reads 0, 0, 0. Code that really allocates reads many
 * kilobytes in every round and fails every try.
 */
public final class AllocationAssert
{
    private static final int TRIES = 5;
    private static final int ROUNDS = 3;
    private static final long WARM_UP_NS = 200_000_000L;

    private AllocationAssert()
    {
    }

    /**
     * @param what  names the hot path, for the failure message.
     * @param round one round of many operations.
     */
    public static void assertNoAllocation(final String what, final Runnable round)
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "thread allocation counter not supported");
        threads.setThreadAllocatedMemoryEnabled(true);
        final long warmUpEnd = System.nanoTime() + WARM_UP_NS;
        do
        {
            round.run();
        }
        while (System.nanoTime() - warmUpEnd < 0);

        final long[][] readings = new long[TRIES][ROUNDS];
        for (int t = 0; t < TRIES; t++)
        {
            boolean clean = true;
            for (int r = 0; r < ROUNDS; r++)
            {
                final long before = threads.getCurrentThreadAllocatedBytes();
                round.run();
                readings[t][r] = threads.getCurrentThreadAllocatedBytes() - before;
                clean &= readings[t][r] == 0;
            }
            if (clean)
            {
                return;
            }
        }
        fail(what + " allocated in every try; bytes per round: " + Arrays.deepToString(readings));
    }
}
