package org.dimse4j.pdu;

import org.dimse4j.testing.AllocationAssert;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The P-DATA-TF hot path allocates nothing: framing, walking the PDVs and reading their fields, and encoding a
 * PDV. Measured with the thread's allocated-bytes counter over rounds of 200,000 iterations; after one warm-up
 * round, each of three rounds must allocate exactly 0 bytes.
 */
class PDataAllocationTest
{
    private static final int ITERATIONS = 200_000;

    private final com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
    private final PduFramer framer = new PduFramer(16384, 1 << 16);
    private final PDataDecoder decoder = new PDataDecoder();
    private final PDataEncoder encoder = new PDataEncoder();
    private final UnsafeBuffer in = new UnsafeBuffer(ByteBuffer.allocateDirect(128));
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[128]);
    private final UnsafeBuffer fragment = new UnsafeBuffer(new byte[68]);
    private long sink;

    @Test
    void shouldDecodePDataWithoutAllocating()
    {
        assumeCounterWorks();
        in.putBytes(0, Vectors.bytes(2));
        decodeRound();
        assertEquals(ITERATIONS * (80L + 1 + 3 + 1 + 1 + 12 + 68 + 6), sink, "every field read");
        AllocationAssert.assertNoAllocation("P-DATA-TF framing and PDV walk", this::decodeRound);
    }

    @Test
    void shouldEncodePDataWithoutAllocating()
    {
        assumeCounterWorks();
        final byte[] v3 = Vectors.bytes(2);
        fragment.putBytes(0, v3, 12, 68);
        encodeRound();
        final byte[] encoded = new byte[80];
        out.getBytes(0, encoded);
        assertEquals(Vectors.toHex(v3), Vectors.toHex(encoded));
        AllocationAssert.assertNoAllocation("P-DATA-TF encoding", this::encodeRound);
    }

    private void decodeRound()
    {
        long sum = 0;
        for (int i = 0; i < ITERATIONS; i++)
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
        sink = sum;
    }

    private void encodeRound()
    {
        long sum = 0;
        for (int i = 0; i < ITERATIONS; i++)
        {
            encoder.wrap(out, 0);
            encoder.putPdv(1, PdvDescriptor.COMMAND | PdvDescriptor.LAST, fragment, 0, 68);
            sum += encoder.encodedLength();
        }
        sink = sum;
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
}
