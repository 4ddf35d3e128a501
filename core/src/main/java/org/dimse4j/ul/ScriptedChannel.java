package org.dimse4j.ul;

import org.agrona.DirectBuffer;

import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;

/**
 * An in-memory stand-in for a socket, for tests and benchmarks of the whole receive path without the kernel: it
 * serves a prefix once (say an A-ASSOCIATE-RQ), then the same frame (say a P-DATA-TF) again and again, one frame
 * per read, and swallows whatever is written, counting it. It behaves as a non-blocking channel: a read with no
 * room returns 0. No allocation per read or write.
 */
public final class ScriptedChannel implements ByteChannel
{
    private final byte[] prefix;
    private final byte[] frame;
    private int prefixSent;
    private long framesToServe;
    private long framesServed;
    private long bytesWritten;
    private boolean open = true;

    /**
     * @param prefix bytes served once, first.
     * @param frame  bytes served after the prefix, whole, once per read.
     */
    public ScriptedChannel(final byte[] prefix, final byte[] frame)
    {
        this.prefix = prefix.clone();
        this.frame = frame.clone();
    }

    /**
     * @param buffer holding the bytes.
     * @param offset first byte.
     * @param length count.
     * @return a copy, for building scripts from encoder output.
     */
    public static byte[] copy(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return bytes;
    }

    /**
     * Lets {@code count} more frames be read.
     *
     * @param count frames.
     */
    public void allow(final long count)
    {
        framesToServe += count;
    }

    /** {@inheritDoc} */
    @Override
    public int read(final ByteBuffer dst)
    {
        if (!open)
        {
            return -1;
        }
        if (prefixSent < prefix.length)
        {
            final int n = Math.min(dst.remaining(), prefix.length - prefixSent);
            dst.put(prefix, prefixSent, n);
            prefixSent += n;
            return n;
        }
        if (framesServed >= framesToServe || dst.remaining() < frame.length)
        {
            return 0;
        }
        dst.put(frame);
        framesServed++;
        return frame.length;
    }

    /** {@inheritDoc} */
    @Override
    public int write(final ByteBuffer src)
    {
        final int n = src.remaining();
        src.position(src.limit());
        bytesWritten += n;
        return n;
    }

    /** @return frames read so far. */
    public long framesServed()
    {
        return framesServed;
    }

    /** @return bytes written so far. */
    public long bytesWritten()
    {
        return bytesWritten;
    }

    /** {@inheritDoc} */
    @Override
    public boolean isOpen()
    {
        return open;
    }

    /** {@inheritDoc} */
    @Override
    public void close()
    {
        open = false;
    }
}
