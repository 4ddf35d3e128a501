package org.dimse4j.buffer;

import org.agrona.DirectBuffer;
import org.dimse4j.pdu.PDataDecoder;
import org.dimse4j.pdu.PDataEncoder;
import org.dimse4j.pdu.PduFramer;
import org.dimse4j.ul.PdvQueue;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The I/O thread frames P-DATA-TF PDUs of random sizes in a small ring and publishes their PDVs; another thread
 * consumes and releases them. Every fragment byte must arrive intact and in order, across many laps of the ring,
 * with tails moved to the start of a lap, and with the producer waiting whenever the consumer is behind.
 */
@Timeout(60)
class RingAndQueueConcurrencyTest
{
    private static final int PDUS = 200_000;
    private static final int RING = 64 * 1024;

    @Test
    void shouldDeliverEveryByteInOrderAcrossThreads() throws Exception
    {
        final ReceiveRing ring = new ReceiveRing(RING);
        final PdvQueue queue = new PdvQueue(4096, ring);
        final PduFramer framer = new PduFramer(16384, 16384);
        final PDataDecoder decoder = new PDataDecoder();
        final AtomicLong consumed = new AtomicLong();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final long seed = System.nanoTime();

        final Thread consumer = new Thread(() ->
        {
            final long[] expected = {0};
            final PdvQueue.Handler handler = (contextId, controlHeader, buffer, offset, length) ->
            {
                for (int i = 0; i < length; i++)
                {
                    final byte b = buffer.getByte(offset + i);
                    if (b != (byte)expected[0])
                    {
                        throw new AssertionError("byte " + expected[0] + " was " + b);
                    }
                    expected[0]++;
                }
                consumed.addAndGet(length);
            };
            try
            {
                while (consumed.get() >= 0 && !Thread.currentThread().isInterrupted())
                {
                    if (queue.drain(handler, 64) == 0)
                    {
                        Thread.onSpinWait();
                    }
                }
            }
            catch (final Throwable t)
            {
                failure.set(t);
            }
        });
        consumer.start();

        // the "socket": a stream of P-DATA-TF PDUs with 1..3 PDVs of counting bytes
        final Random random = new Random(seed);
        final UnsafeBuffer pdu = new UnsafeBuffer(new byte[16384 + 6]);
        final PDataEncoder encoder = new PDataEncoder();
        final byte[] wire = new byte[16384 + 6];
        long produced = 0;
        long counter = 0;
        for (int p = 0; p < PDUS && failure.get() == null; p++)
        {
            encoder.wrap(pdu, 0);
            final int pdvs = 1 + random.nextInt(3);
            for (int v = 0; v < pdvs; v++)
            {
                final int length = 2 * random.nextInt(1 + (p % 100 == 0 ? 2500 : 400));
                final int at = encoder.beginPdv(1, 0);
                for (int i = 0; i < length; i++)
                {
                    pdu.putByte(at + i, (byte)counter++);
                }
                encoder.endPdv(length);
                produced += length;
            }
            final int total = encoder.encodedLength();
            pdu.getBytes(0, wire, 0, total);
            int written = 0;
            long stuck = 0;
            while (written < total && failure.get() == null)
            {
                // arrive in random chunks, as from a socket
                final int chunk = Math.min(total - written, 1 + random.nextInt(total));
                final int n = ring.write(wire, written, chunk);
                written += n;
                frameAll(ring, queue, framer, decoder);
                if (n == 0)
                {
                    Thread.onSpinWait();
                    if (++stuck > 50_000_000)
                    {
                        fail("no progress: frame " + ring.framePosition() + " available " + ring.available() +
                            " released " + ring.releasePosition() + " offset " + ring.frameOffset() + " frame() " +
                            framer.frame(ring.buffer(), ring.frameOffset(), ring.available()) + " seed " + seed);
                    }
                }
                else
                {
                    stuck = 0;
                }
            }
        }
        final long deadline = System.nanoTime() + 30_000_000_000L;
        while (consumed.get() < produced && failure.get() == null && System.nanoTime() < deadline)
        {
            frameAll(ring, queue, framer, decoder);
            Thread.onSpinWait();
        }
        consumer.interrupt();
        consumer.join(5_000);
        if (failure.get() != null)
        {
            fail("seed " + seed, failure.get());
        }
        assertEquals(produced, consumed.get(), "seed " + seed);
        assertEquals(ring.framePosition(), ring.releasePosition(), "everything released");
        queue.close();
        ring.close();
    }

    private static void frameAll(final ReceiveRing ring, final PdvQueue queue, final PduFramer framer,
        final PDataDecoder decoder)
    {
        while (ring.available() > 0)
        {
            final int length = framer.frame(ring.buffer(), ring.frameOffset(), ring.available());
            if (length < 0)
            {
                assertNotEquals(ReceiveRing.TOO_LARGE, ring.ensureContiguous(-length));
                return;
            }
            final DirectBuffer buffer = ring.buffer();
            final int offset = ring.frameOffset();
            decoder.wrap(buffer, offset, length);
            int count = 0;
            while (decoder.nextPdv())
            {
                count++;
            }
            if (!queue.hasRoomFor(count))
            {
                return;
            }
            final long position = ring.framePosition();
            ring.advance(length);
            decoder.wrap(buffer, offset, length);
            boolean more = decoder.nextPdv();
            while (more)
            {
                final long fragment = position + (decoder.fragmentOffset() - offset);
                final int fragmentLength = decoder.fragmentLength();
                more = decoder.nextPdv();
                assertTrue(queue.offerPdv(1, 0, fragment, fragmentLength, more ? 0 : position + length));
            }
        }
    }
}
