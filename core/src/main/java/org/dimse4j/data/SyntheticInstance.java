package org.dimse4j.data;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes synthetic, valid Part 10 instances of a chosen size for load tests and benchmarks: a minimal patient,
 * study, series and instance module in Explicit VR Little Endian, then OW Pixel Data filling the size (a 16-bit
 * square-ish monochrome image). The file is written in chunks: a 50 MiB instance never needs 50 MiB of heap.
 */
public final class SyntheticInstance
{
    private static final int CHUNK = 1 << 20;

    private SyntheticInstance()
    {
    }

    /**
     * @param file           where to write (replaced if it exists).
     * @param sopClassUid    SOP Class UID.
     * @param sopInstanceUid SOP Instance UID.
     * @param studyUid       Study Instance UID.
     * @param seriesUid      Series Instance UID.
     * @param pixelBytes     bytes of pixel data, even.
     * @return bytes written.
     * @throws IOException if the file cannot be written.
     */
    public static long write(final Path file, final String sopClassUid, final String sopInstanceUid,
        final String studyUid, final String seriesUid, final long pixelBytes) throws IOException
    {
        if ((pixelBytes & 1) != 0 || pixelBytes < 2 || pixelBytes > 0xFFFF_FFFEL)
        {
            throw new IllegalArgumentException("pixel data must be an even number of bytes, 2..2^32-2: " + pixelBytes);
        }
        final UnsafeBuffer meta = new UnsafeBuffer(ByteBuffer.allocate(1024));
        final int metaLength = Part10Writer.writeMeta(meta, 0, sopClassUid, sopInstanceUid,
            TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, "DIMSE4J");
        final ByteBuffer head = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        final long pixels = pixelBytes / 2;
        final int columns = (int)Math.max(1, Math.min(65535, Math.round(Math.sqrt(pixels))));
        final int rows = (int)Math.min(65535, Math.max(1, pixels / columns));
        final int frames = (int)Math.max(1, pixels / ((long)rows * columns));
        text(head, 0x00080016, 'U', 'I', sopClassUid, (byte)0);
        text(head, 0x00080018, 'U', 'I', sopInstanceUid, (byte)0);
        text(head, 0x00080060, 'C', 'S', "OT", (byte)' ');
        text(head, 0x00100010, 'P', 'N', "SYNTHETIC^PATIENT", (byte)' ');
        text(head, 0x00100020, 'L', 'O', "SYN" + Math.abs(studyUid.hashCode() % 100000), (byte)' ');
        text(head, 0x0020000D, 'U', 'I', studyUid, (byte)0);
        text(head, 0x0020000E, 'U', 'I', seriesUid, (byte)0);
        us(head, 0x00280002, 1);
        text(head, 0x00280004, 'C', 'S', "MONOCHROME2", (byte)' ');
        if (frames > 1)
        {
            text(head, 0x00280008, 'I', 'S', Integer.toString(frames), (byte)' ');
        }
        us(head, 0x00280010, rows);
        us(head, 0x00280011, columns);
        us(head, 0x00280100, 16);
        us(head, 0x00280101, 16);
        us(head, 0x00280102, 15);
        us(head, 0x00280103, 0);
        head.putShort((short)0x7FE0).putShort((short)0x0010).put((byte)'O').put((byte)'W').putShort((short)0)
            .putInt((int)pixelBytes);
        head.flip();
        long written = 0;
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            written += writeFully(out, ByteBuffer.wrap(meta.byteArray(), 0, metaLength));
            written += writeFully(out, head);
            final ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
            long left = pixelBytes;
            int value = sopInstanceUid.hashCode();
            while (left > 0)
            {
                chunk.clear();
                final int n = (int)Math.min(CHUNK, left);
                for (int i = 0; i < n; i += 2)
                {
                    value = value * 1103515245 + 12345;
                    chunk.putShort((short)(value >>> 17));
                }
                chunk.flip();
                written += writeFully(out, chunk);
                left -= n;
            }
        }
        return written;
    }

    private static long writeFully(final FileChannel out, final ByteBuffer bytes) throws IOException
    {
        long n = 0;
        while (bytes.hasRemaining())
        {
            n += out.write(bytes);
        }
        return n;
    }

    private static void text(final ByteBuffer b, final int tag, final char v1, final char v2, final String value,
        final byte pad)
    {
        final int length = (value.length() + 1) & ~1;
        b.putShort((short)(tag >>> 16)).putShort((short)tag).put((byte)v1).put((byte)v2).putShort((short)length);
        for (int i = 0; i < length; i++)
        {
            b.put(i < value.length() ? (byte)value.charAt(i) : pad);
        }
    }

    private static void us(final ByteBuffer b, final int tag, final int value)
    {
        b.putShort((short)(tag >>> 16)).putShort((short)tag).put((byte)'U').put((byte)'S').putShort((short)2)
            .putShort((short)value);
    }
}
