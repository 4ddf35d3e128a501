package org.dimse4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Files written by DCMTK's dump2dcm (and dcmcrle), read by Part10Reader and walked by DataSetReader, compared with
 * what dcmdump prints for the same files: meta fields, and every element with its nesting depth, tag, VR, length
 * and (for text and US/UL) value.
 */
class Part10DcmtkTest
{
    static final String SOP_CLASS = "1.2.840.10008.5.1.4.1.1.7";
    static final String SOP_INSTANCE = "1.2.826.0.1.3680043.2.1125.1.42";

    /** A data set with a nested sequence, a private creator, private elements and a private sequence. */
    static final String DUMP = String.join("\n",
        "(0002,0002) UI [" + SOP_CLASS + "]",
        "(0002,0003) UI [" + SOP_INSTANCE + "]",
        "(0008,0016) UI [" + SOP_CLASS + "]",
        "(0008,0018) UI [" + SOP_INSTANCE + "]",
        "(0008,0060) CS [OT]",
        "(0008,1140) SQ (Sequence with undefined length #=2)",
        "  (fffe,e000) na (Item with undefined length #=3)",
        "    (0008,1150) UI [1.2.840.10008.5.1.4.1.1.7]",
        "    (0008,1155) UI [1.2.3.9]",
        "    (0008,1199) SQ (Sequence with undefined length #=1)",
        "      (fffe,e000) na (Item with undefined length #=1)",
        "        (0008,1150) UI [1.2.840.10008.5.1.4.1.1.2]",
        "      (fffe,e00d) na (ItemDelimitationItem)",
        "    (fffe,e0dd) na (SequenceDelimitationItem)",
        "  (fffe,e00d) na (ItemDelimitationItem)",
        "  (fffe,e000) na (Item with undefined length #=1)",
        "    (0008,1155) UI [1.2.3.10]",
        "  (fffe,e00d) na (ItemDelimitationItem)",
        "(fffe,e0dd) na (SequenceDelimitationItem)",
        "(0010,0010) PN [Doe^John]",
        "(0010,0020) LO [PID123]",
        "(0010,0030) DA []",
        "(0028,0010) US 2",
        "(0028,0011) US 2",
        "(0029,0010) LO [ACME 1.0]",
        "(0029,1001) LO [private value]",
        "(0029,1002) US 7",
        "(0029,1010) SQ (Sequence with undefined length #=1)",
        "  (fffe,e000) na (Item with undefined length #=1)",
        "    (0029,1001) LO [inner]",
        "  (fffe,e00d) na (ItemDelimitationItem)",
        "(fffe,e0dd) na (SequenceDelimitationItem)",
        "(0029,1011) LO [after]",
        "(7fe0,0010) OW 0001\\0002\\0003\\0004",
        "");

    static final String PIXEL_DUMP = String.join("\n",
        "(0002,0002) UI [" + SOP_CLASS + "]",
        "(0002,0003) UI [1.2.3.4.5.6.8]",
        "(0008,0016) UI [" + SOP_CLASS + "]",
        "(0008,0018) UI [1.2.3.4.5.6.8]",
        "(0028,0002) US 1",
        "(0028,0004) CS [MONOCHROME2]",
        "(0028,0010) US 4",
        "(0028,0011) US 4",
        "(0028,0100) US 8",
        "(0028,0101) US 8",
        "(0028,0102) US 7",
        "(0028,0103) US 0",
        "(7fe0,0010) OB 01\\02\\03\\04\\05\\06\\07\\08\\09\\0a\\0b\\0c\\0d\\0e\\0f\\10",
        "");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "+te, +e, 1.2.840.10008.1.2.1",
        "+te, -e, 1.2.840.10008.1.2.1",
        "+ti, +e, 1.2.840.10008.1.2",
        "+ti, -e, 1.2.840.10008.1.2",
        "+tb, +e, 1.2.840.10008.1.2.2",
        "+tb, -e, 1.2.840.10008.1.2.2",
    })
    void shouldReadWhatDump2dcmWrites(final String syntax, final String lengths, final String tsUid)
        throws Exception
    {
        final Path file = Dcmtk.dump2dcm(dir, DUMP, "t", syntax, lengths);
        final Part10Info info = Part10Reader.read(file);
        assertEquals(tsUid, info.transferSyntaxUid());
        compare(file, info);
    }

    @Test
    void shouldReadEncapsulatedPixelDataWrittenByDcmcrle() throws Exception
    {
        final Path plain = Dcmtk.dump2dcm(dir, PIXEL_DUMP, "p", "+te");
        final Path rle = dir.resolve("rle.dcm");
        Dcmtk.run(dir, "dcmcrle", plain.toString(), rle.toString());
        final Part10Info info = Part10Reader.read(rle);
        assertEquals(TransferSyntax.RLE_LOSSLESS, info.transferSyntaxUid());
        assertEquals(DataSetReader.EXPLICIT_LITTLE, info.encoding());
        final List<Dcmtk.Line> walked = compare(rle, info);
        final Dcmtk.Line pixelData = walked.stream().filter(l -> l.tag() == DataSetReader.PIXEL_DATA).findFirst()
            .orElseThrow();
        assertEquals(-1, pixelData.length());
        assertEquals("OB", pixelData.vr());
        assertEquals(2, walked.stream().filter(l -> l.tag() == DataSetReader.ITEM).count(), walked.toString());
    }

    @Test
    void shouldReadFileWithoutPreambleAsDcmtkDoes() throws Exception
    {
        final Path file = Dcmtk.dump2dcm(dir, DUMP, "t", "+te", "-e");
        final byte[] bytes = Files.readAllBytes(file);
        final Path bare = dir.resolve("bare.dcm");
        Files.write(bare, Arrays.copyOfRange(bytes, Part10Reader.META_OFFSET, bytes.length));
        final Part10Info withPreamble = Part10Reader.read(file);
        final Part10Info info = Part10Reader.read(bare);
        assertTrue(withPreamble.hasPreamble());
        assertFalse(info.hasPreamble());
        assertEquals(withPreamble.dataSetOffset() - Part10Reader.META_OFFSET, info.dataSetOffset());
        assertEquals(withPreamble.dataSetLength(), info.dataSetLength());
        compare(bare, info);
    }

    @Test
    void shouldFindMetaGroupEndWithoutGroupLength() throws Exception
    {
        final Path file = Dcmtk.dump2dcm(dir, DUMP, "t", "+te");
        final Dcmtk.Dump dump = Dcmtk.dcmdump(file);
        final byte[] bytes = Files.readAllBytes(file);
        final int groupLengthEnd = Part10Reader.META_OFFSET + 12;
        final byte[] stripped = new byte[bytes.length - 12];
        System.arraycopy(bytes, 0, stripped, 0, Part10Reader.META_OFFSET);
        System.arraycopy(bytes, groupLengthEnd, stripped, Part10Reader.META_OFFSET, bytes.length - groupLengthEnd);
        final Path noLength = dir.resolve("nolength.dcm");
        Files.write(noLength, stripped);
        final Part10Info info = Part10Reader.read(noLength);
        assertEquals(Part10Reader.read(file).dataSetOffset() - 12, info.dataSetOffset());
        assertMeta(dump.meta(), info);
    }

    private List<Dcmtk.Line> compare(final Path file, final Part10Info info) throws Exception
    {
        final Dcmtk.Dump dump = Dcmtk.dcmdump(file);
        assertMeta(dump.meta(), info);

        final byte[] bytes = Files.readAllBytes(file);
        assertEquals(bytes.length, info.fileLength());
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        final Part10Reader reader = new Part10Reader().wrap(buffer, 0, bytes.length);
        assertEquals(info, reader.info());

        final DataSetReader dataSet = new DataSetReader()
            .wrap(buffer, info.dataSetOffset(), (int)info.dataSetLength(), info.encoding());
        final List<Dcmtk.Line> walked = Dcmtk.walk(dataSet);
        final List<Dcmtk.Line> printed = dump.dataSet();
        final String context = "\ndcmdump:\n" + dump.text() + "\nwalked:\n" + String.join("\n",
            walked.stream().map(Dcmtk.Line::toString).toList());
        assertTrue(printed.size() >= 10, context);
        assertEquals(printed.size(), walked.size(), context);
        for (int i = 0; i < printed.size(); i++)
        {
            final Dcmtk.Line p = printed.get(i);
            final Dcmtk.Line w = walked.get(i);
            final String what = "element " + i + ": " + p + " vs " + w + context;
            assertEquals(p.depth(), w.depth(), what);
            assertEquals(p.tag(), w.tag(), what);
            assertEquals(p.length(), w.length(), what);
            if (p.tag() >>> 16 != 0xFFFE && !"UN".equals(w.vr()))
            {
                assertEquals(p.vr(), w.vr(), what);
            }
            if (Dcmtk.isText(p.vr()) && p.length() >= 0)
            {
                assertEquals(p.length() == 0 ? "(no value available)" : p.value(),
                    p.length() == 0 ? "(no value available)" : w.value(), what);
            }
            else if (("US".equals(p.vr()) || "UL".equals(p.vr())) && p.length() > 0 && null != w.value())
            {
                assertEquals(p.value().split("\\\\")[0], w.value(), what);
            }
        }
        return walked;
    }

    static void assertMeta(final List<Dcmtk.Line> meta, final Part10Info info)
    {
        for (final Dcmtk.Line line : meta)
        {
            final String expected = line.length() == 0 ? "" : line.value();
            switch (line.tag())
            {
                case Part10Reader.MEDIA_STORAGE_SOP_CLASS_UID:
                    assertEquals(expected, info.mediaStorageSopClassUid());
                    break;
                case Part10Reader.MEDIA_STORAGE_SOP_INSTANCE_UID:
                    assertEquals(expected, info.mediaStorageSopInstanceUid());
                    break;
                case Part10Reader.TRANSFER_SYNTAX_UID:
                    assertEquals(expected, info.transferSyntaxUid());
                    break;
                case Part10Reader.IMPLEMENTATION_CLASS_UID:
                    assertEquals(expected, info.implementationClassUid());
                    break;
                case Part10Reader.IMPLEMENTATION_VERSION_NAME:
                    assertEquals(expected, info.implementationVersionName());
                    break;
                case Part10Reader.SOURCE_APPLICATION_ENTITY_TITLE:
                    assertEquals(expected, info.sourceApplicationEntityTitle());
                    break;
                default:
                    break;
            }
        }
        assertTrue(meta.stream().anyMatch(l -> l.tag() == Part10Reader.TRANSFER_SYNTAX_UID), meta.toString());
    }
}
