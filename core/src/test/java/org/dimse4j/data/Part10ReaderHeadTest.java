package org.dimse4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Part10Reader.read(Path) grows its head buffer as a long meta group requires, up to MAX_HEAD_LENGTH, and refuses
 * a longer one; a head-only buffer reports the data set length from the file length.
 */
class Part10ReaderHeadTest
{
    @TempDir
    Path dir;

    private static byte[] fileWithPrivateMeta(final int privateLength, final int dataSetLength)
    {
        final String ts = TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN;
        final int meta = Part10Writer.metaLength("1.2.3", "1.2.3.4", ts, "AE");
        final ByteBuffer b = ByteBuffer.allocate(meta + 12 + privateLength + dataSetLength)
            .order(ByteOrder.LITTLE_ENDIAN);
        final UnsafeBuffer buffer = new UnsafeBuffer(b);
        Part10Writer.writeMeta(buffer, 0, "1.2.3", "1.2.3.4", ts, "AE");
        b.putShort(meta, (short)2).putShort(meta + 2, (short)0x0102).put(meta + 4, (byte)'O').put(meta + 5, (byte)'B')
            .putInt(meta + 8, privateLength);
        b.putInt(140, b.getInt(140) + 12 + privateLength);
        final byte[] dataSet = new DataSetBytes(DataSetReader.EXPLICIT_LITTLE).us(0x00280010, 2);
        b.position(meta + 12 + privateLength);
        for (int i = 0; i + dataSet.length <= dataSetLength; i += dataSet.length)
        {
            b.put(dataSet);
        }
        return b.array();
    }

    @Test
    void shouldGrowHeadForLongMetaGroup() throws Exception
    {
        final byte[] bytes = fileWithPrivateMeta(20_000, 100_000);
        final Path file = dir.resolve("long-meta.dcm");
        Files.write(file, bytes);
        final Part10Info info = Part10Reader.read(file);
        assertEquals(bytes.length - 100_000, info.dataSetOffset());
        assertEquals(100_000, info.dataSetLength());
        assertEquals("AE", info.sourceApplicationEntityTitle());

        final Part10Reader head = new Part10Reader().wrap(new UnsafeBuffer(bytes), 0, info.dataSetOffset() + 10,
            bytes.length);
        assertEquals(100_000, head.dataSetLength());
        assertThrows(DataSetException.class,
            () -> new Part10Reader().wrap(new UnsafeBuffer(bytes), 0, 5000, bytes.length));
    }

    @Test
    void shouldRefuseMetaGroupLongerThanTheHeadLimit() throws Exception
    {
        final Path file = dir.resolve("huge-meta.dcm");
        Files.write(file, fileWithPrivateMeta(Part10Reader.MAX_HEAD_LENGTH, 16));
        final DataSetException ex = assertThrows(DataSetException.class, () -> Part10Reader.read(file));
        assertTrue(ex.getMessage().contains("runs past " + Part10Reader.MAX_HEAD_LENGTH), ex.getMessage());
    }
}
