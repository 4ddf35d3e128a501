package org.dimse4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed files and data sets: each fault throws DataSetException naming what was wrong, and 100k seeded random
 * mutations of a valid file let nothing but DataSetException escape from Part10Reader and DataSetReader.
 */
class DataSetMalformedTest
{
    private static final String TS = TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN;
    private static final DataSetBytes EXPLICIT = new DataSetBytes(DataSetReader.EXPLICIT_LITTLE);

    @TempDir
    Path dir;

    private static byte[] validFile(final int encoding, final String ts)
    {
        final byte[] dataSet = DataSetBytes.sample(encoding);
        final int metaLength = Part10Writer.metaLength("1.2.3", "1.2.3.4", ts, "AE");
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[metaLength + dataSet.length]);
        Part10Writer.writeMeta(buffer, 0, "1.2.3", "1.2.3.4", ts, "AE");
        buffer.putBytes(metaLength, dataSet);
        return buffer.byteArray();
    }

    private static DataSetException part10(final byte[] file)
    {
        return assertThrows(DataSetException.class, () -> new Part10Reader().wrap(new UnsafeBuffer(file), 0,
            file.length));
    }

    private static DataSetException walk(final byte[] dataSet)
    {
        return assertThrows(DataSetException.class, () -> Dcmtk.walk(new DataSetReader()
            .wrap(new UnsafeBuffer(dataSet), 0, dataSet.length, DataSetReader.EXPLICIT_LITTLE)));
    }

    @Test
    void shouldRefuseTruncatedPreamble() throws Exception
    {
        final DataSetException ex = part10(new byte[100]);
        assertTrue(ex.getMessage().contains("too short"), ex.getMessage());
        final Path file = dir.resolve("short.dcm");
        Files.write(file, new byte[131]);
        final DataSetException fromFile = assertThrows(DataSetException.class, () -> Part10Reader.read(file));
        assertTrue(fromFile.getMessage().startsWith(file.toString()), fromFile.getMessage());
        Files.write(file, new byte[0]);
        assertThrows(DataSetException.class, () -> Part10Reader.read(file));
    }

    @Test
    void shouldRefuseWrongMagic()
    {
        final byte[] file = validFile(DataSetReader.EXPLICIT_LITTLE, TS);
        file[131] = 'X';
        assertTrue(part10(file).getMessage().contains("no \"DICM\""));
    }

    @Test
    void shouldRefuseBareDataSet()
    {
        final byte[] dataSet = DataSetBytes.sample(DataSetReader.EXPLICIT_LITTLE);
        assertTrue(part10(dataSet).getMessage().contains("Not a DICOM Part 10 file"));
    }

    @Test
    void shouldRefuseGroupLengthThatLies()
    {
        final byte[] file = validFile(DataSetReader.EXPLICIT_LITTLE, TS);
        final ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        final int groupLength = b.getInt(140);
        b.putInt(140, groupLength - 2);
        assertEquals(Part10Reader.SOURCE_APPLICATION_ENTITY_TITLE, part10(file).tag());
        b.putInt(140, groupLength - 10);
        assertEquals(Part10Reader.SOURCE_APPLICATION_ENTITY_TITLE, part10(file).tag());
        b.putInt(140, groupLength + 10);
        part10(file);
        b.putInt(140, Integer.MAX_VALUE);
        assertTrue(part10(file).getMessage().contains("runs past the end"));
        b.putInt(140, groupLength);
        b.putShort(136, (short)5);
        part10(file);
    }

    @Test
    void shouldRefuseMissingTransferSyntaxAndMetaLengthPastEnd()
    {
        final byte[] file = validFile(DataSetReader.EXPLICIT_LITTLE, TS);
        final byte[] truncated = Arrays.copyOf(file, 200);
        part10(truncated);
        final ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        final int sopClass = Part10Reader.META_OFFSET + 12 + 14;
        assertEquals(0x0002, b.getShort(sopClass + 2));
        b.putShort(sopClass + 6, (short)0x7000);
        assertTrue(part10(file).getMessage().contains("value length 28672 exceeds"));

        final byte[] noTransferSyntax = validFile(DataSetReader.EXPLICIT_LITTLE, TS);
        final int ts = sopClass + 8 + 6 + 8 + 8;
        assertEquals(0x0010, noTransferSyntax[ts + 2]);
        noTransferSyntax[ts + 2] = 0x11;
        assertTrue(part10(noTransferSyntax).getMessage().contains("no Transfer Syntax UID"));
    }

    @Test
    void shouldRefuseElementLengthPastTheEnd()
    {
        final byte[] dataSet = DataSetBytes.concat(EXPLICIT.us(0x00280010, 2), EXPLICIT.header(0x00100010, "PN", 40,
            new byte[10]));
        final DataSetException ex = walk(dataSet);
        assertEquals(0x00100010, ex.tag());
        assertEquals(10, ex.offset());
        assertTrue(ex.getMessage().startsWith("(0010,0010) at offset 10: value length 40"), ex.getMessage());
        walk(EXPLICIT.header(0x7FE00010, "OB", 0x7FFFFFF0, new byte[4]));
        walk(EXPLICIT.header(0x7FE00010, "OB", 0x80000000, new byte[4]));
        walk(Arrays.copyOf(EXPLICIT.us(0x00280010, 2), 9));
        walk(Arrays.copyOf(EXPLICIT.header(0x7FE00010, "OB", 0, new byte[0]), 10));
    }

    @Test
    void shouldRefuseUndefinedLengthOnUs()
    {
        final byte[] implicit = new DataSetBytes(DataSetReader.IMPLICIT_LITTLE).header(0x00280010, "US", -1,
            new byte[2]);
        final DataSetException ex = assertThrows(DataSetException.class, () -> Dcmtk.walk(new DataSetReader()
            .wrap(new UnsafeBuffer(implicit), 0, implicit.length, DataSetReader.IMPLICIT_LITTLE)));
        assertTrue(ex.getMessage().contains("undefined length 0xFFFFFFFF is not allowed for VR US"), ex.getMessage());
        final byte[] us = EXPLICIT.us(0x00280010, 2);
        us[6] = (byte)0xFF;
        us[7] = (byte)0xFF;
        walk(us);
        walk(EXPLICIT.header(0x00100010, "UT", -1, new byte[0]));
        walk(EXPLICIT.header(0x00420011, "OB", -1, new byte[0]));
        walk(EXPLICIT.header(0x7FE00008, "OF", -1, new byte[0]));
    }

    @Test
    void shouldRefuseUnterminatedSequenceAndItem()
    {
        final byte[] sequence = EXPLICIT.sequence(0x00081140, true, EXPLICIT.item(true, EXPLICIT.us(0x00280010, 1)));
        final byte[] noSequenceDelimiter = Arrays.copyOf(sequence, sequence.length - 8);
        assertTrue(walk(noSequenceDelimiter).getMessage().contains("not terminated"));
        final byte[] noItemDelimiter = Arrays.copyOf(sequence, sequence.length - 16);
        assertTrue(walk(noItemDelimiter).getMessage().contains("not terminated"));
        assertThrows(DataSetException.class, () ->
        {
            final DataSetReader reader = new DataSetReader().wrap(new UnsafeBuffer(noSequenceDelimiter), 0,
                noSequenceDelimiter.length, DataSetReader.EXPLICIT_LITTLE);
            while (reader.next())
            {
                // skipping the unterminated sequence must throw too
            }
        });
        walk(DataSetBytes.concat(EXPLICIT.us(0x00280010, 1), EXPLICIT.marker(DataSetReader.SEQUENCE_DELIMITATION, 0)));
        walk(EXPLICIT.sequence(0x00081140, true, EXPLICIT.us(0x00280010, 1)));
        final byte[] badDelimiter = sequence.clone();
        badDelimiter[badDelimiter.length - 1] = 1;
        walk(badDelimiter);
    }

    @Test
    void shouldRefuseUnknownVrAndDeflateAndTooDeepNesting()
    {
        final byte[] us = EXPLICIT.us(0x00280010, 2);
        us[4] = 'Q';
        assertTrue(walk(us).getMessage().contains("unknown VR"));
        final DataSetException deflate = assertThrows(DataSetException.class, () -> new DataSetReader()
            .wrap(new UnsafeBuffer(us), 0, us.length, DataSetReader.encodingOf(TransferSyntax
            .DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN)));
        assertTrue(deflate.getMessage().contains("Deflated"), deflate.getMessage());
        byte[] nested = EXPLICIT.us(0x00280010, 2);
        for (int i = 0; i < DataSetReader.MAX_DEPTH; i++)
        {
            nested = EXPLICIT.sequence(0x00081140, true, EXPLICIT.item(true, nested));
        }
        assertTrue(walk(nested).getMessage().contains("nesting deeper"));
    }

    @Test
    void shouldLetOnlyDataSetExceptionEscapeFromMutations()
    {
        final byte[][] valid =
        {
            validFile(DataSetReader.EXPLICIT_LITTLE, TS),
            validFile(DataSetReader.IMPLICIT_LITTLE, TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN),
            validFile(DataSetReader.EXPLICIT_BIG, TransferSyntax.EXPLICIT_VR_BIG_ENDIAN),
        };
        final SplittableRandom random = new SplittableRandom(20240611L);
        final Part10Reader part10 = new Part10Reader();
        final DataSetReader reader = new DataSetReader();
        int rejected = 0;
        for (int i = 0; i < 100_000; i++)
        {
            final byte[] original = valid[i % valid.length];
            final byte[] file = mutate(original, random);
            // pad so that reads past the declared length would land in the buffer and go unnoticed if unchecked
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[file.length + 64]);
            buffer.putBytes(0, file);
            try
            {
                part10.wrap(buffer, 0, file.length);
                reader.wrap(buffer, part10.dataSetOffset(), (int)part10.dataSetLength(), part10.encoding());
                Dcmtk.walk(reader);
            }
            catch (final DataSetException expected)
            {
                rejected++;
            }
            catch (final RuntimeException | StackOverflowError unexpected)
            {
                throw new AssertionError("mutation " + i + " threw " + unexpected + ": " +
                    Arrays.toString(file), unexpected);
            }
        }
        assertTrue(rejected > 10_000, "only " + rejected + " rejected: are the mutations reaching the reader?");
    }

    private static byte[] mutate(final byte[] original, final SplittableRandom random)
    {
        byte[] file = original.clone();
        final int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits; e++)
        {
            switch (random.nextInt(5))
            {
                case 0:
                    file[random.nextInt(file.length)] = (byte)random.nextInt(256);
                    break;
                case 1:
                {
                    final int at = random.nextInt(file.length - 4);
                    final int v = random.nextBoolean() ? -1 : random.nextInt();
                    file[at] = (byte)v;
                    file[at + 1] = (byte)(v >> 8);
                    file[at + 2] = (byte)(v >> 16);
                    file[at + 3] = (byte)(v >> 24);
                    break;
                }
                case 2:
                    file = Arrays.copyOf(file, random.nextInt(file.length + 1));
                    break;
                case 3:
                    file[random.nextInt(file.length)] ^= (byte)(1 << random.nextInt(8));
                    break;
                default:
                {
                    final int at = random.nextInt(file.length);
                    final int count = Math.min(file.length - at, 1 + random.nextInt(16));
                    final byte[] shorter = new byte[file.length - count];
                    System.arraycopy(file, 0, shorter, 0, at);
                    System.arraycopy(file, at + count, shorter, at, file.length - at - count);
                    file = shorter;
                    break;
                }
            }
            if (file.length < 8)
            {
                break;
            }
        }
        return file;
    }
}
