package org.dimse4j.pdu;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Feeds the vectors to {@link PduFramer} in every possible split, in the manner of netty's
 * {@code LengthFieldBasedFrameDecoderTest}: bytes arrive in chunks into an accumulation buffer and the framer is
 * asked at the current read position whenever bytes arrive. The frames found must not depend on the split, and
 * between frames the framer must say how much it needs: -6 while the header is incomplete, -total after.
 */
class FramingSplitTest
{
    private static final int BASE = 3;

    private final PduFramer framer = new PduFramer(16384, 1 << 16);

    /** A frame as found: where it starts in the stream, and its bytes. */
    private record Frame(int offset, byte[] bytes)
    {
        @Override
        public boolean equals(final Object o)
        {
            return o instanceof Frame && offset == ((Frame)o).offset && Arrays.equals(bytes, ((Frame)o).bytes);
        }

        @Override
        public int hashCode()
        {
            return offset * 31 + Arrays.hashCode(bytes);
        }

        @Override
        public String toString()
        {
            return "Frame[" + offset + ", " + bytes.length + " bytes]";
        }
    }

    @Test
    void shouldFindEachVectorWhateverTheSplitPoint()
    {
        for (final boolean direct : new boolean[]{false, true})
        {
            for (int v = 0; v < Vectors.HEX.length; v++)
            {
                final byte[] pdu = Vectors.bytes(v);
                final List<Frame> expected = List.of(new Frame(0, pdu));
                for (int split = 0; split <= pdu.length; split++)
                {
                    final String what = Vectors.NAMES[v] + " split at " + split + (direct ? " direct" : "");
                    assertEquals(expected, feed(pdu, direct, new int[]{split, pdu.length - split}), what);
                }
            }
        }
    }

    @Test
    void shouldFindEachVectorWhateverTheTwoSplitPoints()
    {
        for (int v = 0; v < Vectors.HEX.length; v++)
        {
            final byte[] pdu = Vectors.bytes(v);
            final List<Frame> expected = List.of(new Frame(0, pdu));
            for (int a = 0; a <= pdu.length; a++)
            {
                for (int b = a; b <= pdu.length; b++)
                {
                    final String what = Vectors.NAMES[v] + " split at " + a + " and " + b;
                    assertEquals(expected, feed(pdu, false, new int[]{a, b - a, pdu.length - b}), what);
                }
            }
        }
    }

    @Test
    void shouldFindTheSameFramesInTheStreamWhateverTheChunkSize()
    {
        final byte[] stream = Vectors.stream();
        final List<Frame> expected = expectedStreamFrames();
        for (final boolean direct : new boolean[]{false, true})
        {
            for (int chunk = 1; chunk <= stream.length; chunk++)
            {
                final int[] chunks = new int[(stream.length + chunk - 1) / chunk];
                Arrays.fill(chunks, chunk);
                chunks[chunks.length - 1] = stream.length - chunk * (chunks.length - 1);
                assertEquals(expected, feed(stream, direct, chunks), "chunk size " + chunk + (direct ? " direct" : ""));
            }
        }
    }

    @Test
    void shouldFindTheSameFramesInTheStreamInRandomChunks()
    {
        final byte[] stream = Vectors.stream();
        final List<Frame> expected = expectedStreamFrames();
        final long seed = Long.getLong("pdu.seed", System.nanoTime());
        final Random random = new Random(seed);
        for (int i = 0; i < 2_000; i++)
        {
            final List<Integer> sizes = new ArrayList<>();
            int left = stream.length;
            while (left > 0)
            {
                final int n = Math.min(left, random.nextInt(4) == 0 ? random.nextInt(3) : 1 + random.nextInt(40));
                sizes.add(n);
                left -= n;
            }
            final int[] chunks = sizes.stream().mapToInt(Integer::intValue).toArray();
            assertEquals(expected, feed(stream, random.nextBoolean(), chunks),
                "seed=" + seed + " chunks=" + Arrays.toString(chunks));
        }
    }

    @Test
    void shouldRejectAnOverLongHeaderAsSoonAsTheHeaderIsComplete()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        buffer.putByte(0, (byte)PduDescriptor.P_DATA_TF);
        buffer.putInt(2, 16385, PduDescriptor.BYTE_ORDER);
        for (int available = 0; available < PduDescriptor.HEADER_LENGTH; available++)
        {
            assertEquals(-PduDescriptor.HEADER_LENGTH, framer.frame(buffer, 0, available));
        }
        for (int available = PduDescriptor.HEADER_LENGTH; available <= 64; available++)
        {
            final int a = available;
            final ProtocolException ex = assertThrows(ProtocolException.class, () -> framer.frame(buffer, 0, a));
            assertEquals(AbortReason.INVALID_PDU_PARAMETER_VALUE, ex.abortReason());
        }

        buffer.putInt(2, 16384, PduDescriptor.BYTE_ORDER);
        assertEquals(-(16384 + 6), framer.frame(buffer, 0, 6));
        assertEquals(-(16384 + 6), framer.frame(buffer, 0, 64));
    }

    @Test
    void shouldFrameAfterTheLimitsGrow()
    {
        final PduFramer small = new PduFramer(10, PduDescriptor.MIN_ASSOCIATE_BODY_LENGTH);
        final UnsafeBuffer v1 = Vectors.buffer(0);
        final UnsafeBuffer v3 = Vectors.buffer(2);
        assertThrows(ProtocolException.class, () -> small.frame(v1, 0, 295));
        assertThrows(ProtocolException.class, () -> small.frame(v3, 0, 80));
        small.limits(74, 289);
        assertEquals(295, small.frame(v1, 0, 295));
        assertEquals(80, small.frame(v3, 0, 80));
        assertEquals(289 + 6, small.maxFrameLength());
    }

    private static List<Frame> expectedStreamFrames()
    {
        final byte[] stream = Vectors.stream();
        final List<Frame> expected = new ArrayList<>();
        int at = 0;
        for (final int length : Vectors.LENGTHS)
        {
            expected.add(new Frame(at, Arrays.copyOfRange(stream, at, at + length)));
            at += length;
        }
        return expected;
    }

    /**
     * Delivers {@code stream} in chunks of the given sizes (0 allowed) into an accumulation buffer at offset
     * {@link #BASE}, asking the framer after every arrival, and returns the frames found with stream offsets.
     */
    private List<Frame> feed(final byte[] stream, final boolean direct, final int[] chunks)
    {
        final int capacity = BASE + stream.length + 5;
        final UnsafeBuffer buffer = direct ?
            new UnsafeBuffer(ByteBuffer.allocateDirect(capacity)) : new UnsafeBuffer(new byte[capacity]);
        buffer.setMemory(0, capacity, (byte)0xA5);
        final List<Frame> frames = new ArrayList<>();
        int readPosition = BASE;
        int writePosition = BASE;
        int from = 0;
        for (final int chunk : chunks)
        {
            buffer.putBytes(writePosition, stream, from, chunk);
            writePosition += chunk;
            from += chunk;
            while (true)
            {
                final int available = writePosition - readPosition;
                final int result = framer.frame(buffer, readPosition, available);
                if (result > 0)
                {
                    final byte[] bytes = new byte[result];
                    buffer.getBytes(readPosition, bytes);
                    frames.add(new Frame(readPosition - BASE, bytes));
                    readPosition += result;
                }
                else
                {
                    assertEquals(needed(stream, readPosition - BASE, available), result,
                        "needed at stream offset " + (readPosition - BASE) + " with " + available + " available");
                    break;
                }
            }
        }
        assertEquals(stream.length, from, "chunks cover the stream");
        assertEquals(writePosition, readPosition, "every byte framed");
        return frames;
    }

    private static int needed(final byte[] stream, final int at, final int available)
    {
        if (available < PduDescriptor.HEADER_LENGTH)
        {
            return -PduDescriptor.HEADER_LENGTH;
        }
        final int length = ((stream[at + 2] & 0xFF) << 24) | ((stream[at + 3] & 0xFF) << 16) |
            ((stream[at + 4] & 0xFF) << 8) | (stream[at + 5] & 0xFF);
        return -(PduDescriptor.HEADER_LENGTH + length);
    }
}
