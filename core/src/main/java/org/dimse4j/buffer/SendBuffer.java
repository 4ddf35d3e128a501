package org.dimse4j.buffer;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/**
 * The off-heap buffer PDUs are encoded into, in place, and written to the socket from.
 * <pre>
 *  0        head              tail                 capacity
 *  |  sent  |  committed, unsent |  claimable          |
 * </pre>
 * An encoder {@link #claim claims} room at the tail, writes the PDU there and {@link #commit commits} it;
 * {@link #flush} writes what is committed. A partial write leaves the rest pending: the owner waits for the socket
 * to become writable and stops taking more work meanwhile. Owned by one thread; no allocation after construction.
 */
public final class SendBuffer implements AutoCloseable
{
    private ByteBuffer byteBuffer;
    private ByteBuffer fileView;
    private final UnsafeBuffer buffer;
    private int capacity;
    private int head;
    private int tail;
    private boolean closed;

    /**
     * @param capacity bytes; at least the largest PDU to be sent.
     */
    public SendBuffer(final int capacity)
    {
        this.capacity = capacity;
        this.byteBuffer = ByteBuffer.allocateDirect(capacity);
        this.fileView = byteBuffer.duplicate();
        this.buffer = new UnsafeBuffer(byteBuffer, 0, capacity);
    }

    /**
     * Finds room for {@code length} bytes behind what is committed, moving unsent bytes to the start if needed.
     *
     * @param length bytes wanted.
     * @return offset of the room in {@link #buffer()}, or -1 if there is not enough room until a flush.
     */
    public int claim(final int length)
    {
        if (tail + length <= capacity)
        {
            return tail;
        }
        final int pending = tail - head;
        if (pending + length > capacity)
        {
            return -1;
        }
        buffer.putBytes(0, buffer, head, pending);
        head = 0;
        tail = pending;
        return tail;
    }

    /**
     * Commits bytes written at the claimed offset.
     *
     * @param length bytes written.
     */
    public void commit(final int length)
    {
        tail += length;
    }

    /**
     * Writes committed bytes to the channel.
     *
     * @param channel a (non-blocking) channel.
     * @return bytes written.
     * @throws IOException from the channel.
     */
    public int flush(final WritableByteChannel channel) throws IOException
    {
        if (head == tail)
        {
            return 0;
        }
        byteBuffer.limit(tail).position(head);
        final int n = channel.write(byteBuffer);
        head += n;
        if (head == tail)
        {
            head = 0;
            tail = 0;
        }
        return n;
    }

    /**
     * Reads file bytes straight into claimed room: the bytes land once, in this off-heap buffer.
     *
     * @param file     the source.
     * @param position file position of the first byte.
     * @param offset   claimed offset in {@link #buffer()} to read to.
     * @param length   bytes wanted.
     * @return bytes read (fewer only at end of file), or -1 at end of file.
     * @throws IOException from the file.
     */
    public int read(final FileChannel file, final long position, final int offset, final int length)
        throws IOException
    {
        final ByteBuffer view = fileView;
        view.limit(offset + length).position(offset);
        int total = 0;
        while (view.hasRemaining())
        {
            final int n = file.read(view, position + total);
            if (n < 0)
            {
                return total == 0 ? -1 : total;
            }
            total += n;
        }
        return total;
    }

    /**
     * Grows the buffer to at least {@code newCapacity}, keeping what is unsent: done once per association, when the
     * peer's maximum PDU length is known (control plane).
     *
     * @param newCapacity bytes wanted.
     */
    public void ensureCapacity(final int newCapacity)
    {
        if (newCapacity <= capacity)
        {
            return;
        }
        final ByteBuffer grown = ByteBuffer.allocateDirect(newCapacity);
        final int pending = tail - head;
        final ByteBuffer old = byteBuffer;
        buffer.wrap(grown);
        buffer.putBytes(0, new UnsafeBuffer(old), head, pending);
        BufferUtil.free(old);
        byteBuffer = grown;
        fileView = grown.duplicate();
        capacity = newCapacity;
        head = 0;
        tail = pending;
    }

    /** Drops whatever is unsent (the connection is gone). */
    public void clear()
    {
        head = 0;
        tail = 0;
    }

    /** @return true when nothing is waiting to be written. */
    public boolean isEmpty()
    {
        return head == tail;
    }

    /** @return bytes committed and not yet written. */
    public int pending()
    {
        return tail - head;
    }

    /** @return the buffer PDUs are encoded into. */
    public UnsafeBuffer buffer()
    {
        return buffer;
    }

    /** @return capacity in bytes. */
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
