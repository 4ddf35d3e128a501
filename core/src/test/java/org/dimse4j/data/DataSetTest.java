package org.dimse4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DataSet: building, reading back what it wrote in the three encodings, and DCMTK's view of both directions: dcmdump
 * of files we write, and DataSet.read of data sets dump2dcm writes.
 */
class DataSetTest
{
    private static final String SOP_CLASS = "1.2.840.10008.5.1.4.31";
    private static final String SOP_INSTANCE = "1.2.826.0.1.3680043.2.1125.9.1";

    /** A worklist-style data set: multi-valued text, empty values, US/UL, nested and empty sequences. */
    static DataSet sample()
    {
        final DataSet ds = new DataSet();
        ds.putString(Tag.SPECIFIC_CHARACTER_SET, "ISO_IR 100");
        ds.putString(Tag.ACCESSION_NUMBER, "A123");
        ds.putStrings(Tag.MODALITIES_IN_STUDY, "CT", "MR", "PT");
        ds.putString(Tag.REFERRING_PHYSICIAN_NAME, "");
        ds.putString(Tag.PATIENT_NAME, "Doe^John");
        ds.putString(Tag.PATIENT_ID, "PID-7");
        ds.putString(Tag.PATIENT_BIRTH_DATE, "19700101");
        ds.putString(Tag.PATIENT_SEX, "M");
        ds.putString(Tag.STUDY_INSTANCE_UID, "1.2.3.4.5");
        ds.putUS(Tag.ROWS, 512);
        ds.putUL(Tag.SIMPLE_FRAME_LIST, 4_000_000_000L);
        ds.putSequence(Tag.REFERENCED_STUDY_SEQUENCE);
        final DataSet sps = ds.addItem(Tag.SCHEDULED_PROCEDURE_STEP_SEQUENCE);
        sps.putString(Tag.SCHEDULED_STATION_AE_TITLE, "CT01");
        sps.putString(Tag.SCHEDULED_PROCEDURE_STEP_START_DATE, "20200615");
        sps.putString(Tag.SCHEDULED_PROCEDURE_STEP_START_TIME, "083000.5");
        sps.putString(Tag.MODALITY, "CT");
        sps.putString(Tag.SCHEDULED_PERFORMING_PHYSICIAN_NAME, "");
        final DataSet code = sps.addItem(Tag.SCHEDULED_PROTOCOL_CODE_SEQUENCE);
        code.putString(Tag.CODE_VALUE, "P1");
        code.putString(Tag.CODING_SCHEME_DESIGNATOR, "99LOCAL");
        code.putString(Tag.CODE_MEANING, "Protocol one");
        sps.addItem(Tag.SCHEDULED_PROTOCOL_CODE_SEQUENCE);
        final DataSet second = ds.addItem(Tag.SCHEDULED_PROCEDURE_STEP_SEQUENCE);
        second.putString(Tag.MODALITY, "MR");
        return ds;
    }

    @ParameterizedTest
    @ValueSource(ints = {DataSetReader.IMPLICIT_LITTLE, DataSetReader.EXPLICIT_LITTLE, DataSetReader.EXPLICIT_BIG})
    void shouldReadBackWhatItWrites(final int encoding)
    {
        final DataSet ds = sample();
        final int length = ds.encodedLength(encoding);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[length + 16]);
        assertEquals(length, ds.write(buffer, 7, encoding));
        final DataSet back = DataSet.read(buffer, 7, length, encoding);
        assertEquals(ds, back, () -> "wrote:\n" + ds + "read:\n" + back);
        assertEquals(ds.hashCode(), back.hashCode());
        assertEquals(ds.toString(), back.toString());
        assertEquals("CT\\MR\\PT", back.string(Tag.MODALITIES_IN_STUDY));
        assertEquals(512, back.intValue(Tag.ROWS, -1));
        assertEquals("4000000000", back.string(Tag.SIMPLE_FRAME_LIST));
        assertEquals(2, back.sequence(Tag.SCHEDULED_PROCEDURE_STEP_SEQUENCE).size());
        assertEquals(0, back.sequence(Tag.REFERENCED_STUDY_SEQUENCE).size());
        final DataSet code = back.sequence(Tag.SCHEDULED_PROCEDURE_STEP_SEQUENCE).get(0)
            .sequence(Tag.SCHEDULED_PROTOCOL_CODE_SEQUENCE).get(0);
        assertEquals("Protocol one", code.string(Tag.CODE_MEANING));
        assertEquals(length, back.encodedLength(encoding));
    }

    @Test
    void shouldWriteBinaryValuesInTheEncodingsByteOrder()
    {
        final DataSet ds = new DataSet().putUS(Tag.ROWS, 0x0102);
        final UnsafeBuffer big = new UnsafeBuffer(new byte[10]);
        assertEquals(10, ds.write(big, 0, DataSetReader.EXPLICIT_BIG));
        assertArrayEquals(new byte[] {0x00, 0x28, 0x00, 0x10, 'U', 'S', 0, 2, 1, 2}, big.byteArray());
        final UnsafeBuffer little = new UnsafeBuffer(new byte[10]);
        ds.write(little, 0, DataSetReader.IMPLICIT_LITTLE);
        assertArrayEquals(new byte[] {0x28, 0x00, 0x10, 0x00, 2, 0, 0, 0, 2, 1}, little.byteArray());
        assertArrayEquals(new byte[] {2, 1}, ds.bytes(Tag.ROWS));
    }

    @Test
    void shouldWriteSequencesAndItemsWithUndefinedLength()
    {
        final DataSet ds = new DataSet();
        ds.addItem(Tag.REFERENCED_STUDY_SEQUENCE).putString(Tag.REFERENCED_SOP_INSTANCE_UID, "1.2");
        final UnsafeBuffer b = new UnsafeBuffer(new byte[ds.encodedLength(DataSetReader.EXPLICIT_LITTLE)]);
        ds.write(b, 0, DataSetReader.EXPLICIT_LITTLE);
        // (0008,1110) SQ 00 00 FFFFFFFF | item FFFFFFFF | (0008,1155) UI 4 "1.2\0" | item delim | seq delim
        assertEquals(12 + 8 + 12 + 8 + 8, b.capacity());
        assertEquals(-1, b.getInt(8));
        assertEquals(DataSetReader.ITEM, (b.getShort(12) & 0xFFFF) << 16 | (b.getShort(14) & 0xFFFF));
        assertEquals(-1, b.getInt(16));
        assertEquals(0, b.getByte(12 + 8 + 8 + 3));
        assertEquals((short)0xFFFE, b.getShort(32));
        assertEquals((short)0xE00D, b.getShort(34));
        assertEquals((short)0xE0DD, b.getShort(42));
    }

    @Test
    void shouldPadAndTrimPerVr()
    {
        final DataSet ds = new DataSet();
        ds.putString(Tag.STUDY_INSTANCE_UID, "1.2.3");
        ds.putString(Tag.PATIENT_ID, " PID1");
        ds.putString(Tag.PATIENT_NAME, " Doe");
        ds.putString(Tag.STUDY_DESCRIPTION, "x");
        ds.putString(Tag.ACCESSION_NUMBER, "");
        assertArrayEquals("1.2.3\0".getBytes(StandardCharsets.US_ASCII), ds.bytes(Tag.STUDY_INSTANCE_UID));
        assertArrayEquals(" PID1 ".getBytes(StandardCharsets.US_ASCII), ds.bytes(Tag.PATIENT_ID));
        assertEquals("1.2.3", ds.string(Tag.STUDY_INSTANCE_UID));
        assertEquals("PID1", ds.string(Tag.PATIENT_ID), "LO: leading spaces are insignificant");
        assertEquals(" Doe", ds.string(Tag.PATIENT_NAME), "PN: leading spaces are significant");
        assertEquals("x", ds.string(Tag.STUDY_DESCRIPTION));
        assertEquals("", ds.string(Tag.ACCESSION_NUMBER));
        assertEquals(0, ds.strings(Tag.ACCESSION_NUMBER).length);
        assertNull(ds.string(Tag.PATIENT_SEX));
        assertNull(ds.strings(Tag.PATIENT_SEX));
        assertEquals(DataSet.ABSENT, ds.vr(Tag.PATIENT_SEX));
        ds.putStrings(Tag.MODALITIES_IN_STUDY, "CT", " MR ", "PT");
        assertArrayEquals(new String[] {"CT", "MR", "PT"}, ds.strings(Tag.MODALITIES_IN_STUDY));
        ds.putString(Tag.ADDITIONAL_PATIENT_HISTORY, "a\\b");
        assertArrayEquals(new String[] {"a\\b"}, ds.strings(Tag.ADDITIONAL_PATIENT_HISTORY), "LT is never split");
    }

    @Test
    void shouldKeepTagOrderAndReplace()
    {
        final DataSet ds = new DataSet();
        ds.putString(Tag.PATIENT_ID, "2");
        ds.putString(Tag.SPECIFIC_CHARACTER_SET, "ISO_IR 192");
        ds.put(0x7FE00010, ValueRepresentation.OB, new byte[] {1, 2});
        ds.putString(Tag.PATIENT_NAME, "1");
        ds.putString(Tag.PATIENT_ID, "3");
        assertArrayEquals(new int[] {Tag.SPECIFIC_CHARACTER_SET, Tag.PATIENT_NAME, Tag.PATIENT_ID, 0x7FE00010},
            ds.tags());
        assertEquals("3", ds.string(Tag.PATIENT_ID));
        assertTrue(ds.remove(Tag.PATIENT_NAME));
        assertFalse(ds.remove(Tag.PATIENT_NAME));
        assertFalse(ds.contains(Tag.PATIENT_NAME));
        assertEquals(3, ds.size());
        assertEquals(ValueRepresentation.OB, ds.vrAt(2));
        assertThrows(IllegalStateException.class, () -> ds.string(0x7FE00010));
        assertThrows(IllegalArgumentException.class, () -> ds.putString(Tag.ROWS, "1"));
        assertThrows(IllegalArgumentException.class, () -> ds.put(DataSetReader.ITEM, ValueRepresentation.OB, null));
        assertThrows(IllegalStateException.class, () -> ds.addItem(Tag.PATIENT_ID));
    }

    @Test
    void shouldEncodeTextWithTheSpecificCharacterSetOfTheNearestParent()
    {
        final DataSet ds = new DataSet().putString(Tag.SPECIFIC_CHARACTER_SET, "ISO_IR 192");
        final DataSet item = ds.addItem(Tag.SCHEDULED_PROCEDURE_STEP_SEQUENCE);
        item.putString(Tag.SCHEDULED_PERFORMING_PHYSICIAN_NAME, "Müller");
        assertEquals(8, item.bytes(Tag.SCHEDULED_PERFORMING_PHYSICIAN_NAME).length, "UTF-8 ü is two bytes, + pad");
        final UnsafeBuffer b = new UnsafeBuffer(new byte[ds.encodedLength(DataSetReader.EXPLICIT_LITTLE)]);
        ds.write(b, 0, DataSetReader.EXPLICIT_LITTLE);
        final DataSet back = DataSet.read(b, 0, b.capacity(), DataSetReader.EXPLICIT_LITTLE);
        assertEquals("Müller", back.sequence(Tag.SCHEDULED_PROCEDURE_STEP_SEQUENCE).get(0)
            .string(Tag.SCHEDULED_PERFORMING_PHYSICIAN_NAME));
        assertEquals(StandardCharsets.ISO_8859_1, new DataSet().charset());
    }

    @Test
    void shouldCopyDeeplyAndCompareByContent()
    {
        final DataSet ds = sample();
        final DataSet copy = ds.copy();
        assertEquals(ds, copy);
        copy.sequence(Tag.SCHEDULED_PROCEDURE_STEP_SEQUENCE).get(0).putString(Tag.MODALITY, "MR");
        assertNotEquals(ds, copy);
        assertEquals("CT", ds.sequence(Tag.SCHEDULED_PROCEDURE_STEP_SEQUENCE).get(0).string(Tag.MODALITY));
    }

    @Test
    void shouldPrintLikeDcmdump()
    {
        final DataSet ds = new DataSet();
        ds.putString(Tag.QUERY_RETRIEVE_LEVEL, "STUDY");
        ds.putString(Tag.PATIENT_NAME, "");
        ds.addItem(Tag.SCHEDULED_PROCEDURE_STEP_SEQUENCE).putString(Tag.MODALITY, "CT");
        ds.putUS(Tag.ROWS, 7);
        assertEquals(String.join("\n",
            "(0008,0052) CS [STUDY]",
            "(0010,0010) PN (no value available)",
            "(0028,0010) US [7]",
            "(0040,0100) SQ (Sequence #=1)",
            "  (fffe,e000) na (Item #=1)",
            "    (0008,0060) CS [CT]",
            ""), ds.toString());
    }

    // ------------------------------------------------------------------------------------------------ DCMTK

    @ParameterizedTest
    @ValueSource(strings = {TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN,
        TransferSyntax.EXPLICIT_VR_BIG_ENDIAN})
    void shouldBeReadByDcmdumpAsWritten(final String tsUid, @TempDir final Path dir) throws Exception
    {
        final DataSet ds = sample();
        final int encoding = DataSetReader.encodingOf(tsUid);
        final int meta = Part10Writer.metaLength(SOP_CLASS, SOP_INSTANCE, tsUid, null);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[meta + ds.encodedLength(encoding)]);
        Part10Writer.writeMeta(buffer, 0, SOP_CLASS, SOP_INSTANCE, tsUid, null);
        ds.write(buffer, meta, encoding);
        final Path file = dir.resolve("ours.dcm");
        Files.write(file, buffer.byteArray());

        final Dcmtk.Dump dump = Dcmtk.dcmdump(file);
        final List<Dcmtk.Line> expected = lines(ds, 0, new ArrayList<>());
        final String context = "\ndcmdump:\n" + dump.text() + "\nexpected:\n" + ds;
        assertEquals(expected.size(), dump.dataSet().size(), context);
        for (int i = 0; i < expected.size(); i++)
        {
            final Dcmtk.Line e = expected.get(i);
            final Dcmtk.Line p = dump.dataSet().get(i);
            final String what = "line " + i + ": " + p + " vs " + e + context;
            assertEquals(e.depth(), p.depth(), what);
            assertEquals(e.tag(), p.tag(), what);
            assertEquals(e.length(), p.length(), what);
            if (e.tag() != DataSetReader.ITEM)
            {
                assertEquals(e.vr(), p.vr(), what);
                assertEquals(e.value(), p.value(), what);
            }
        }
    }

    /** What dcmdump prints for our data set: elements, items (undefined length) and values. */
    private static List<Dcmtk.Line> lines(final DataSet ds, final int depth, final List<Dcmtk.Line> out)
    {
        for (int i = 0; i < ds.size(); i++)
        {
            final int tag = ds.tagAt(i);
            final int vr = ds.vrAt(i);
            if (vr == ValueRepresentation.SQ)
            {
                out.add(new Dcmtk.Line(depth, tag, "SQ", "(Sequence with undefined length #=" +
                    ds.sequence(tag).size() + ")", -1));
                for (final DataSet item : ds.sequence(tag))
                {
                    out.add(new Dcmtk.Line(depth + 1, DataSetReader.ITEM, "na", null, -1));
                    lines(item, depth + 2, out);
                }
                continue;
            }
            final int length = ds.bytes(tag).length;
            final String value = length == 0 ? "(no value available)" : ds.string(tag);
            out.add(new Dcmtk.Line(depth, tag, ValueRepresentation.name(vr), value, length));
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"+ti", "+te", "+tb"})
    void shouldReadAnIdentifierMadeByDump2dcm(final String transferSyntax, @TempDir final Path dir) throws Exception
    {
        final String dump = String.join("\n",
            "(0008,0005) CS [ISO_IR 100]",
            "(0008,0020) DA [20200101-20201231]",
            "(0008,0052) CS [STUDY]",
            "(0008,0061) CS [CT\\MR]",
            "(0010,0010) PN [DOE*]",
            "(0010,0020) LO []",
            "(0020,000d) UI []",
            "(0028,0010) US 512",
            "(0040,0100) SQ (Sequence with explicit length #=1)",
            "  (fffe,e000) na (Item with explicit length #=2)",
            "    (0040,0001) AE [CT01]",
            "    (0040,0002) DA [20200615-]",
            "  (fffe,e00d) na (ItemDelimitationItem for re-encoding)",
            "(fffe,e0dd) na (SequenceDelimitationItem for re-encod.)",
            "");
        final Path file = Dcmtk.dump2dcm(dir, dump, "identifier", "-F", transferSyntax);
        final byte[] bytes = Files.readAllBytes(file);
        final int encoding = "+ti".equals(transferSyntax) ? DataSetReader.IMPLICIT_LITTLE :
            "+te".equals(transferSyntax) ? DataSetReader.EXPLICIT_LITTLE : DataSetReader.EXPLICIT_BIG;
        final DataSet ds = DataSet.read(new UnsafeBuffer(bytes), 0, bytes.length, encoding);

        final DataSet expected = new DataSet();
        expected.putString(Tag.SPECIFIC_CHARACTER_SET, "ISO_IR 100");
        expected.putString(Tag.STUDY_DATE, "20200101-20201231");
        expected.putString(Tag.QUERY_RETRIEVE_LEVEL, "STUDY");
        expected.putStrings(Tag.MODALITIES_IN_STUDY, "CT", "MR");
        expected.putString(Tag.PATIENT_NAME, "DOE*");
        expected.putString(Tag.PATIENT_ID, "");
        expected.putString(Tag.STUDY_INSTANCE_UID, "");
        expected.putUS(Tag.ROWS, 512);
        final DataSet sps = expected.addItem(Tag.SCHEDULED_PROCEDURE_STEP_SEQUENCE);
        sps.putString(Tag.SCHEDULED_STATION_AE_TITLE, "CT01");
        sps.putString(Tag.SCHEDULED_PROCEDURE_STEP_START_DATE, "20200615-");
        assertEquals(expected, ds, () -> "expected:\n" + expected + "read:\n" + ds);
        assertEquals("DOE*", ds.string(Tag.PATIENT_NAME));
        assertEquals("", ds.string(Tag.STUDY_INSTANCE_UID));
        assertEquals("20200615-", ds.sequence(Tag.SCHEDULED_PROCEDURE_STEP_SEQUENCE).get(0)
            .string(Tag.SCHEDULED_PROCEDURE_STEP_START_DATE));
    }
}
