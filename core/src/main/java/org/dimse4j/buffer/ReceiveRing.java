package org.dimse4j.buffer;

import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * The off-heap ring a connection's bytes are read into, and read from where they landed.
 * <p>
 * Positions only grow; a position's place in memory is {@code position & (capacity - 1)}.
 * <pre>
 *   releasePosition      framePosition        writePosition
 *        |  held by the consumer |  received, unframed |  free ...  (up to releasePosition + capacity)
 * </pre>
 * The I/O thread reads the socket straight into the free space and frames PDUs from {@link #framePosition()}.
 * A framed PDU stays where it is until the consumer — the same thread, or the service thread at the other end of
 * the PDV queue — {@link #release releases} it. A PDU is always contiguous: when a partly received PDU would run
 * past the end of the memory, {@link #ensureContiguous(int)} moves that tail (never more than one PDU) to the
 * start of the next lap, once the consumer has released that room. When everything received has been released,
 * the next PDU starts at the beginning of a lap, so in the common case nothing ever moves.
 * <p>
 * A full ring stops the reads and TCP flow control pushes back on the peer: memory per connection is fixed. The
 * consumer must release every PDU it has seen without waiting for later ones (it copies what it must keep), or
 * the ring can fill with held bytes. Single producer (the I/O thread), single consumer; no allocation after
 * construction.
 */
public final class ReceiveRing implements AutoCloseable
{
    /** {@link #ensureContiguous(int)}: the frame fits where it is, or was moved so that it does. */
    public static final int CONTIGUOUS = 1;
    /** {@link #ensureContiguous(int)}: the consumer must release more before the frame can be moved. */
    public static final int WAIT_FOR_RELEASE = 0;
    /** {@link #ensureContiguous(int)}: the frame is larger than the ring. */
    public static final int TOO_LARGE = -1;

    private static final VarHandle RELEASE_POSITION;

    static
    {
        try
        {
            RELEASE_POSITION = MethodHandles.lookup().findVarHandle(ReceiveRing.class, "releasePosition", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final ByteBuffer byteBuffer;
    private final UnsafeBuffer buffer;
    private final int capacity;
    private final int mask;
    private long framePosition;
    private long writePosition;
    private long gapStart = -1;
    private long gapEnd = -1;
    @SuppressWarnings("unused") // accessed through RELEASE_POSITION
    private volatile long releasePosition;
    private boolean closed;

    /**
     * @param capacity a power of two, several times the largest PDU the connection accepts.
     */
    public ReceiveRing(final int capacity)
    {
        if (!BitUtil.isPowerOfTwo(capacity))
        {
            throw new IllegalArgumentException("receive ring capacity must be a power of two: " + capacity);
        }
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.byteBuffer = ByteBuffer.allocateDirect(capacity);
        // the consumer gets its own view, so that its position/limit (e.g. for FileChannel writes) never race
        // with the reads of the I/O thread
        this.buffer = new UnsafeBuffer(byteBuffer.duplicate());
    }

    /**
     * Reads what the channel has into the free space (I/O thread).
     *
     * @param channel a non-blocking channel.
     * @return bytes read, 0 if none (or no free space), -1 at end of stream.
     * @throws IOException from the channel.
     */
    public int read(final ReadableByteChannel channel) throws IOException
    {
        final int room = writableBytes();
        if (room == 0)
        {
            return 0;
        }
        final int at = (int)(writePosition & mask);
        byteBuffer.limit(at + room).position(at);
        final int n = channel.read(byteBuffer);
        if (n > 0)
        {
            writePosition += n;
        }
        return n;
    }

    /**
     * Copies bytes in as if they had been read, for tests and in-process transports (I/O thread).
     *
     * @param src    bytes.
     * @param offset first byte.
     * @param length count.
     * @return bytes taken (less than {@code length} when there is not that much contiguous room).
     */
    public int write(final byte[] src, final int offset, final int length)
    {
        final int n = Math.min(length, writableBytes());
        buffer.putBytes((int)(writePosition & mask), src, offset, n);
        writePosition += n;
        return n;
    }

    /**
     * The consumer releases only the ends of PDUs it saw; the bytes skipped when a PDU moved to the start of a lap
     * belong to nobody. Once the consumer reaches the start of that gap, the gap counts as released too. A second
     * gap can only open a lap later, when the first is long passed, so one is enough to remember.
     */
    private long released()
    {
        final long released = (long)RELEASE_POSITION.getAcquire(this);
        return released == gapStart ? gapEnd : released;
    }

    private void skipTo(final long nextLap)
    {
        gapStart = framePosition;
        gapEnd = nextLap;
    }

    private int writableBytes()
    {
        final long released = released();
        if (released == writePosition && framePosition == writePosition && (writePosition & mask) != 0)
        {
            // all consumed and released: start the next PDU at the beginning of a lap
            final long nextLap = (writePosition | mask) + 1;
            skipTo(nextLap);
            writePosition = nextLap;
            framePosition = nextLap;
            return capacity;
        }
        if ((writePosition & mask) == 0 && framePosition < writePosition)
        {
            return 0; // a partial PDU ends the lap: ensureContiguous must move it before more bytes arrive
        }
        final int toEnd = capacity - (int)(writePosition & mask);
        return (int)Math.min(toEnd, released + capacity - writePosition);
    }

    /**
     * @return true when a {@link #read} could take bytes now; false while the consumer holds the ring full or a
     * partial frame at the end of a lap waits for {@link #ensureContiguous(int)} (I/O thread; moves nothing).
     */
    public boolean hasRoom()
    {
        final long released = released();
        if (released == writePosition && framePosition == writePosition)
        {
            return true;
        }
        if ((writePosition & mask) == 0 && framePosition < writePosition)
        {
            return false;
        }
        return released + capacity - writePosition > 0;
    }

    /**
     * Makes room for a frame of {@code frameLength} bytes starting at {@link #framePosition()}, moving the
     * received tail to the start of the next lap when the frame would run past the end of the memory (I/O thread).
     *
     * @param frameLength total length of the frame being received.
     * @return {@link #CONTIGUOUS}, {@link #WAIT_FOR_RELEASE} or {@link #TOO_LARGE}.
     */
    public int ensureContiguous(final int frameLength)
    {
        if (frameLength > capacity)
        {
            return TOO_LARGE;
        }
        final int at = (int)(framePosition & mask);
        if (at + frameLength <= capacity)
        {
            return CONTIGUOUS;
        }
        final long nextLap = (framePosition | mask) + 1;
        final int pending = (int)(writePosition - framePosition);
        if (released() < nextLap + pending - capacity)
        {
            return WAIT_FOR_RELEASE;
        }
        buffer.putBytes(0, buffer, at, pending);
        skipTo(nextLap);
        framePosition = nextLap;
        writePosition = nextLap + pending;
        return CONTIGUOUS;
    }

    /**
     * Moves past a frame the framer has handled (I/O thread).
     *
     * @param length bytes of the frame.
     */
    public void advance(final int length)
    {
        framePosition += length;
    }

    /**
     * Gives back everything before {@code position} (consumer thread).
     *
     * @param position a position at or before {@link #framePosition()}, not below the last one released.
     */
    public void release(final long position)
    {
        RELEASE_POSITION.setRelease(this, position);
    }

    /**
     * @return the buffer over the ring's memory. Its {@code byteBuffer()} is the consumer's own view, whose
     * position and limit the consumer may set to hand a fragment to a channel.
     */
    public UnsafeBuffer buffer()
    {
        return buffer;
    }

    /** @return position of the first received byte not yet framed. */
    public long framePosition()
    {
        return framePosition;
    }

    /** @return offset in {@link #buffer()} of {@link #framePosition()}. */
    public int frameOffset()
    {
        return (int)(framePosition & mask);
    }

    /** @return bytes received and not yet framed, all contiguous from {@link #frameOffset()}. */
    public int available()
    {
        return (int)(writePosition - framePosition);
    }

    /**
     * @param position a position.
     * @return its offset in {@link #buffer()}.
     */
    public int offset(final long position)
    {
        return (int)(position & mask);
    }

    /** @return position up to which memory is free again (I/O thread): what the consumer released, gaps included. */
    public long releasePosition()
    {
        return released();
    }

    /** @return the capacity in bytes. */
    public int capacity()
    {
        return capacity;
    }

    /** Frees the off-heap memory; idempotent. Call only when neither side uses the ring any more. */
    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            BufferUtil.free(byteBuffer);
        }
    }
}
