package org.dimse4j.pdu;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The P-DATA-TF hot path allocates nothing: framing, walking the PDVs and reading their fields, and encoding a
 * PDV. Measured with the thread's allocated-bytes counter over rounds of 200,000 iterations; after one warm-up
 * round, each of three later rounds must allocate exactly 0 bytes.
 * <p>
 * The loops live in {@link Rounds}, a class without string constants: when the JIT is asked (from this thread)
 * to compile a method with C2, HotSpot first resolves the string constants of that method's class, which
 * allocates a few hundred bytes once. With the loops in this test class, a late tier-4 compile of a round
 * (likely on a two-CPU machine) made a measured round show 100-300 bytes that the code under test never
 * allocated.
 */
class PDataAllocationTest
{
    private static final int ROUNDS_MEASURED = 3;
    private static final int ITERATIONS = 200_000;

    private final com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
    private final Rounds rounds = new Rounds();

    @Test
    void shouldDecodePDataWithoutAllocating()
    {
        assumeCounterWorks();
        rounds.in.putBytes(0, Vectors.bytes(2));
        final long perIteration = 80L + 1 + 3 + 1 + 1 + 12 + 68 + 6;
        assertEquals(ITERATIONS * perIteration, rounds.decode(ITERATIONS), "every field read");
        for (int round = 0; round < ROUNDS_MEASURED; round++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            final long sum = rounds.decode(ITERATIONS);
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertEquals(0, allocated, "bytes allocated in decode round " + round);
            assertEquals(ITERATIONS * perIteration, sum);
        }
    }

    @Test
    void shouldEncodePDataWithoutAllocating()
    {
        assumeCounterWorks();
        final byte[] v3 = Vectors.bytes(2);
        rounds.fragment.putBytes(0, v3, 12, 68);
        assertEquals(ITERATIONS * 80L, rounds.encode(ITERATIONS));
        final byte[] encoded = new byte[80];
        rounds.out.getBytes(0, encoded);
        assertEquals(Vectors.toHex(v3), Vectors.toHex(encoded));
        for (int round = 0; round < ROUNDS_MEASURED; round++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            final long sum = rounds.encode(ITERATIONS);
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertEquals(0, allocated, "bytes allocated in encode round " + round);
            assertEquals(ITERATIONS * 80L, sum);
        }
    }

    private void assumeCounterWorks()
    {
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "thread allocation counter not supported");
        if (!threads.isThreadAllocatedMemoryEnabled())
        {
            threads.setThreadAllocatedMemoryEnabled(true);
        }
        final long first = threads.getCurrentThreadAllocatedBytes();
        final long second = threads.getCurrentThreadAllocatedBytes();
        assertEquals(0, second - first, "the counter itself allocates");
    }

    /** The measured loops. No string literals in this class (see the class comment). */
    private static final class Rounds
    {
        private final PduFramer framer = new PduFramer(16384, 1 << 16);
        private final PDataDecoder decoder = new PDataDecoder();
        private final PDataEncoder encoder = new PDataEncoder();
        private final UnsafeBuffer in = new UnsafeBuffer(ByteBuffer.allocateDirect(128));
        private final UnsafeBuffer out = new UnsafeBuffer(new byte[128]);
        private final UnsafeBuffer fragment = new UnsafeBuffer(new byte[68]);

        long decode(final int iterations)
        {
            long sum = 0;
            for (int i = 0; i < iterations; i++)
            {
                final int length = framer.frame(in, 0, 80);
                sum += length;
                decoder.wrap(in, 0, length);
                while (decoder.nextPdv())
                {
                    sum += decoder.contextId();
                    sum += decoder.controlHeader();
                    sum += decoder.isCommand() ? 1 : 0;
                    sum += decoder.isLast() ? 1 : 0;
                    sum += decoder.fragmentOffset();
                    sum += decoder.fragmentLength();
                    sum += decoder.pdvOffset();
                }
            }
            return sum;
        }

        long encode(final int iterations)
        {
            long sum = 0;
            for (int i = 0; i < iterations; i++)
            {
                encoder.wrap(out, 0);
                encoder.putPdv(1, PdvDescriptor.COMMAND | PdvDescriptor.LAST, fragment, 0, 68);
                sum += encoder.encodedLength();
            }
            return sum;
        }
    }
}
