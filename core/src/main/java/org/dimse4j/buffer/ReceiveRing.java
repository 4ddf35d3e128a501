package org.dimse4j.buffer;

import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * The off-heap buffer a connection's bytes are read into, and read from where they landed.
 * <pre>
 *  0            frameIndex                 writeIndex            capacity
 *  |  consumed  |  received, not yet framed |  free                 |
 * </pre>
 * The socket is read straight into the free space. A PDU is always contiguous: when a partly received PDU would
 * run past the end, {@link #ensureContiguous(int)} moves that tail to the start, once, and never more than one
 * PDU's bytes. When everything received has been consumed both indices return to 0, so the common case needs no
 * move at all. Memory is fixed when the ring is made; a full ring stops the reads and TCP pushes back on the peer.
 * <p>
 * Owned by one thread (the association's I/O thread). No allocation after construction.
 */
public final class ReceiveRing implements AutoCloseable
{
    private final ByteBuffer byteBuffer;
    private final UnsafeBuffer buffer;
    private final int capacity;
    private int frameIndex;
    private int writeIndex;
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
        this.byteBuffer = ByteBuffer.allocateDirect(capacity);
        this.buffer = new UnsafeBuffer(byteBuffer);
    }

    /**
     * Reads what the channel has into the free space.
     *
     * @param channel a non-blocking channel.
     * @return bytes read, 0 if none (or no free space), -1 at end of stream.
     * @throws IOException from the channel.
     */
    public int read(final ReadableByteChannel channel) throws IOException
    {
        if (writeIndex == capacity)
        {
            return 0;
        }
        byteBuffer.limit(capacity).position(writeIndex);
        final int n = channel.read(byteBuffer);
        if (n > 0)
        {
            writeIndex += n;
        }
        return n;
    }

    /**
     * Copies bytes in as if they had been read, for tests and in-process transports.
     *
     * @param src    bytes.
     * @param offset first byte.
     * @param length count.
     * @return bytes taken (less than {@code length} when the ring is full).
     */
    public int write(final byte[] src, final int offset, final int length)
    {
        final int n = Math.min(length, capacity - writeIndex);
        buffer.putBytes(writeIndex, src, offset, n);
        writeIndex += n;
        return n;
    }

    /**
     * Makes room for a frame of {@code frameLength} bytes starting at {@link #frameIndex()}, moving the received
     * tail to the start when the frame would run past the end.
     *
     * @param frameLength total length of the frame being received.
     * @return false if the frame can never fit.
     */
    public boolean ensureContiguous(final int frameLength)
    {
        if (frameLength > capacity)
        {
            return false;
        }
        if (frameIndex + frameLength > capacity)
        {
            final int pending = writeIndex - frameIndex;
            buffer.putBytes(0, buffer, frameIndex, pending);
            frameIndex = 0;
            writeIndex = pending;
        }
        return true;
    }

    /**
     * Marks {@code length} bytes from {@link #frameIndex()} as consumed.
     *
     * @param length bytes of the frame just handled.
     */
    public void consume(final int length)
    {
        frameIndex += length;
        if (frameIndex == writeIndex)
        {
            frameIndex = 0;
            writeIndex = 0;
        }
    }

    /** @return the buffer over the ring's memory. */
    public UnsafeBuffer buffer()
    {
        return buffer;
    }

    /** @return offset of the first received byte not yet consumed. */
    public int frameIndex()
    {
        return frameIndex;
    }

    /** @return bytes received and not yet consumed. */
    public int available()
    {
        return writeIndex - frameIndex;
    }

    /** @return free bytes behind the received ones. */
    public int free()
    {
        return capacity - writeIndex;
    }

    /** @return the capacity in bytes. */
    public int capacity()
    {
        return capacity;
    }

    /** Frees the off-heap memory; idempotent. */
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
