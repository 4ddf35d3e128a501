package org.dimse4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.agrona.AsciiSequenceView;
import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.testing.AllocationAssert;
import org.junit.jupiter.api.Test;

/**
 * STYLE D3: walking a data set with DataSetReader (every element, sequence, item and fragment, reading values with
 * us(), ul() and stringEquals()), reading a Part 10 head, and writing a meta group from prepared CharSequences
 * allocate 0 bytes after warm-up.
 */
class DataSetAllocationTest
{
    private long sink;

    @Test
    void shouldWalkDataSetWithoutAllocating()
    {
        for (final int encoding : new int[] {DataSetReader.EXPLICIT_LITTLE, DataSetReader.IMPLICIT_LITTLE,
            DataSetReader.EXPLICIT_BIG})
        {
            final byte[] bytes = DataSetBytes.sample(encoding);
            final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
            final DataSetReader reader = new DataSetReader();
            final String patientName = "Doe^Jane";
            assertEquals(walk(reader.wrap(buffer, 0, bytes.length, encoding), patientName), walk(reader.wrap(
                buffer, 0, bytes.length, encoding), patientName));
            AllocationAssert.assertNoAllocation("DataSetReader walk, encoding " + encoding, () ->
            {
                for (int i = 0; i < 10_000; i++)
                {
                    sink += walk(reader.wrap(buffer, 0, bytes.length, encoding), patientName);
                }
            });
            // skipping undefined-length elements without entering them
            AllocationAssert.assertNoAllocation("DataSetReader skip, encoding " + encoding, () ->
            {
                for (int i = 0; i < 10_000; i++)
                {
                    reader.wrap(buffer, 0, bytes.length, encoding);
                    while (reader.next())
                    {
                        sink += reader.tag();
                    }
                }
            });
        }
    }

    private static long walk(final DataSetReader reader, final CharSequence patientName)
    {
        long sum = 0;
        while (reader.next())
        {
            sum += reader.tag() + reader.valueLength();
            final int vr = reader.vr();
            if (vr == ValueRepresentation.US)
            {
                sum += reader.us();
            }
            else if (reader.tag() == 0x00100010 && reader.stringEquals(patientName))
            {
                sum += 1000;
            }
            else if (vr == ValueRepresentation.SQ || (reader.tag() == DataSetReader.PIXEL_DATA &&
                reader.valueLength() == DataSetReader.UNDEFINED_LENGTH))
            {
                final boolean items = vr == ValueRepresentation.SQ;
                reader.enterSequence();
                while (reader.nextItem())
                {
                    sum += reader.valueLength();
                    if (items)
                    {
                        sum += walk(reader, patientName);
                    }
                }
                reader.exitSequence();
            }
        }
        return sum;
    }

    @Test
    void shouldWriteAndReadMetaWithoutAllocating()
    {
        final String sopClass = Part10DcmtkTest.SOP_CLASS;
        final StringBuilder sopInstance = new StringBuilder(Part10DcmtkTest.SOP_INSTANCE);
        final String ts = TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN;
        final String aet = "STORESCU";
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
        final Part10Reader reader = new Part10Reader();
        final AsciiSequenceView view = new AsciiSequenceView();
        AllocationAssert.assertNoAllocation("Part10Writer.writeMeta and Part10Reader.wrap", () ->
        {
            for (int i = 0; i < 10_000; i++)
            {
                final int length = Part10Writer.writeMeta(buffer, 0, sopClass, sopInstance, ts, aet);
                reader.wrap(buffer, 0, length);
                sink += reader.dataSetOffset() + reader.encoding() + reader.transferSyntaxUid(view).length();
            }
        });
    }
}
