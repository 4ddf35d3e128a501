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
        return write(file, sopClassUid, sopInstanceUid, studyUid, seriesUid, pixelBytes, null);
    }

    /**
     * Like {@link #write(Path, String, String, String, String, long)}, with attributes of the caller's (a patient
     * name, study date, modality...) added to or replacing the synthetic ones.
     *
     * @param file           where to write (replaced if it exists).
     * @param sopClassUid    SOP Class UID.
     * @param sopInstanceUid SOP Instance UID.
     * @param studyUid       Study Instance UID.
     * @param seriesUid      Series Instance UID.
     * @param pixelBytes     bytes of pixel data, even.
     * @param attributes     attributes below (7FE0,0010) to add or replace, or null.
     * @return bytes written.
     * @throws IOException if the file cannot be written.
     */
    public static long write(final Path file, final String sopClassUid, final String sopInstanceUid,
        final String studyUid, final String seriesUid, final long pixelBytes, final DataSet attributes)
        throws IOException
    {
        if ((pixelBytes & 1) != 0 || pixelBytes < 2 || pixelBytes > 0xFFFF_FFFEL)
        {
            throw new IllegalArgumentException("pixel data must be an even number of bytes, 2..2^32-2: " + pixelBytes);
        }
        final UnsafeBuffer meta = new UnsafeBuffer(ByteBuffer.allocate(1024));
        final int metaLength = Part10Writer.writeMeta(meta, 0, sopClassUid, sopInstanceUid,
            TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, "DIMSE4J");
        final long pixels = pixelBytes / 2;
        final int columns = (int)Math.max(1, Math.min(65535, Math.round(Math.sqrt(pixels))));
        final int rows = (int)Math.min(65535, Math.max(1, pixels / columns));
        final int frames = (int)Math.max(1, pixels / ((long)rows * columns));
        final DataSet head = new DataSet()
            .putString(0x00080016, sopClassUid)
            .putString(0x00080018, sopInstanceUid)
            .putString(0x00080060, "OT")
            .putString(0x00100010, "SYNTHETIC^PATIENT")
            .putString(0x00100020, "SYN" + Math.abs(studyUid.hashCode() % 100000))
            .putString(0x0020000D, studyUid)
            .putString(0x0020000E, seriesUid)
            .putUS(0x00280002, 1)
            .putString(0x00280004, "MONOCHROME2");
        if (frames > 1)
        {
            head.putString(0x00280008, Integer.toString(frames));
        }
        head.putUS(0x00280010, rows).putUS(0x00280011, columns).putUS(0x00280100, 16).putUS(0x00280101, 16)
            .putUS(0x00280102, 15).putUS(0x00280103, 0);
        if (attributes != null)
        {
            for (int i = 0; i < attributes.size(); i++)
            {
                final int tag = attributes.tagAt(i);
                if (Integer.compareUnsigned(tag, 0x7FE00010) >= 0)
                {
                    throw new IllegalArgumentException("attributes must precede Pixel Data");
                }
                if (attributes.vrAt(i) == ValueRepresentation.SQ)
                {
                    head.putSequence(tag);
                    for (final DataSet item : attributes.sequence(tag))
                    {
                        head.addItemCopy(tag, item);
                    }
                }
                else
                {
                    head.put(tag, attributes.vrAt(i), attributes.bytes(tag).clone());
                }
            }
        }
        final int headLength = head.encodedLength(DataSetReader.EXPLICIT_LITTLE);
        final UnsafeBuffer headBuffer = new UnsafeBuffer(ByteBuffer.allocate(headLength));
        head.write(headBuffer, 0, DataSetReader.EXPLICIT_LITTLE);
        final ByteBuffer pixelHeader = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        pixelHeader.putShort((short)0x7FE0).putShort((short)0x0010).put((byte)'O').put((byte)'W').putShort((short)0)
            .putInt((int)pixelBytes);
        pixelHeader.flip();
        long written = 0;
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            written += writeFully(out, ByteBuffer.wrap(meta.byteArray(), 0, metaLength));
            written += writeFully(out, ByteBuffer.wrap(headBuffer.byteArray(), 0, headLength));
            written += writeFully(out, pixelHeader);
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
}
