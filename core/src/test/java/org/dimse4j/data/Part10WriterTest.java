package org.dimse4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.ul.Implementation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Part10Writer's meta group in front of hand-built data sets (mixed-length sequences, encapsulated pixel data):
 * dcmdump reads the files and prints our meta fields and the same elements our reader walks; Part10Reader reads
 * back what was written.
 */
class Part10WriterTest
{
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN,
        TransferSyntax.EXPLICIT_VR_BIG_ENDIAN})
    void shouldWriteMetaThatDcmdumpAndPart10ReaderRead(final String tsUid) throws Exception
    {
        final int encoding = DataSetReader.encodingOf(tsUid);
        final byte[] dataSet = DataSetBytes.sample(encoding);
        final String aet = "STORESCU";
        final int metaLength = Part10Writer.metaLength(Part10DcmtkTest.SOP_CLASS, Part10DcmtkTest.SOP_INSTANCE,
            tsUid, aet);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[7 + metaLength + dataSet.length]);
        buffer.setMemory(0, 7, (byte)0x55);
        final int written = Part10Writer.writeMeta(buffer, 7, Part10DcmtkTest.SOP_CLASS,
            Part10DcmtkTest.SOP_INSTANCE, tsUid, aet);
        assertEquals(metaLength, written);
        buffer.putBytes(7 + written, dataSet);
        final byte[] file = new byte[metaLength + dataSet.length];
        buffer.getBytes(7, file);
        final Path path = dir.resolve("w.dcm");
        Files.write(path, file);

        final Part10Info info = Part10Reader.read(path);
        assertEquals(new Part10Info(Part10DcmtkTest.SOP_CLASS, Part10DcmtkTest.SOP_INSTANCE, tsUid,
            Implementation.CLASS_UID, Implementation.VERSION_NAME, aet, true, metaLength, file.length), info);
        assertEquals(info, new Part10Reader().wrap(buffer, 7, file.length).info());

        final Dcmtk.Dump dump = Dcmtk.dcmdump(path);
        Part10DcmtkTest.assertMeta(dump.meta(), info);
        assertEquals(8, dump.meta().size(), dump.text());
        assertEquals(String.valueOf(metaLength - Part10Reader.META_OFFSET - 12), dump.meta().get(0).value());
        assertEquals("00\\01", dump.meta().get(1).value());

        final List<Dcmtk.Line> walked = Dcmtk.walk(new DataSetReader()
            .wrap(new UnsafeBuffer(file), info.dataSetOffset(), (int)info.dataSetLength(), info.encoding()));
        final List<Dcmtk.Line> printed = dump.dataSet();
        assertEquals(printed.size(), walked.size(), dump.text() + "\n" + walked);
        for (int i = 0; i < printed.size(); i++)
        {
            final String what = printed.get(i) + " vs " + walked.get(i) + "\n" + dump.text();
            assertEquals(printed.get(i).depth(), walked.get(i).depth(), what);
            assertEquals(printed.get(i).tag(), walked.get(i).tag(), what);
            assertEquals(printed.get(i).length(), walked.get(i).length(), what);
        }
    }

    @Test
    void shouldLeaveOutEmptySourceAeTitleAndPadOddValues()
    {
        final String uid = "1.2.3";
        final int length = Part10Writer.metaLength(uid, uid + ".4", TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN, "");
        assertEquals(length, Part10Writer.metaLength(uid, uid + ".4", TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN, null));
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[length]);
        assertEquals(length, Part10Writer.writeMeta(buffer, 0, uid, uid + ".4",
            TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN, null));
        final Part10Reader reader = new Part10Reader().wrap(buffer, 0, length);
        assertEquals(null, reader.sourceApplicationEntityTitle());
        assertEquals(uid, reader.mediaStorageSopClassUid());
        assertEquals(0, buffer.getByte(reader.valueOffset(Part10Reader.MEDIA_STORAGE_SOP_CLASS_UID) + 5));
        assertEquals(0, reader.dataSetLength());
        assertEquals(length, reader.dataSetOffset());
    }

    @Test
    void shouldRefuseBadArgumentsBeforeWriting()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
        final String ts = TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN;
        assertThrows(IllegalArgumentException.class, () -> Part10Writer.writeMeta(buffer, 0, "1.2.a", "1.2", ts, null));
        assertThrows(IllegalArgumentException.class, () -> Part10Writer.writeMeta(buffer, 0, "", "1.2", ts, null));
        assertThrows(IllegalArgumentException.class,
            () -> Part10Writer.writeMeta(buffer, 0, "1." + "2".repeat(63), "1.2", ts, null));
        assertThrows(IllegalArgumentException.class,
            () -> Part10Writer.writeMeta(buffer, 0, "1.2", "1.2", ts, "SEVENTEEN_CHARS_X"));
        assertThrows(IllegalArgumentException.class, () -> Part10Writer.writeMeta(buffer, 0, "1.2", "1.2", ts, "A\\B"));
        assertThrows(IllegalArgumentException.class, () -> Part10Writer.writeMeta(buffer, 1000, "1.2", "1.2", ts, "A"));
        assertTrue(Part10Writer.metaLength("1.2", "1.2", ts, "A") < 1000);
    }
}
