package org.dimse4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.agrona.AsciiSequenceView;
import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.data.DataSet;
import org.dimse4j.data.DataSetException;
import org.dimse4j.data.Part10Info;
import org.dimse4j.data.Part10Reader;

/**
 * Part 10 files as a disk or a peer's C-STORE may hold them, whole and as a head of a longer file:
 * {@link Part10Reader#wrap(org.agrona.DirectBuffer, int, int, long)} on the input as given (the whole file), then on
 * every prefix a C-GET or the archive index would read ({@code wrap} with the file length beyond the bytes given),
 * every accessor, {@link Part10Reader#info()}, and the data set behind the meta group read whole with
 * {@link DataSet#read} in the transfer syntax the meta group names. Only {@link DataSetException} may escape; every
 * offset reported lies inside the input, the data set offset plus its length is the file length, and a prefix that
 * holds the whole meta group reads the same as the whole file.
 * <p>
 * {@link AllocationBound}: at most 256 bytes per input byte + 16 KB, for the whole file and its 17 heads read again
 * (the data set's text is not counted).
 */
class Part10FuzzTest
{
    private static final int[] TAGS = {
        Part10Reader.MEDIA_STORAGE_SOP_CLASS_UID, Part10Reader.MEDIA_STORAGE_SOP_INSTANCE_UID,
        Part10Reader.TRANSFER_SYNTAX_UID, Part10Reader.IMPLEMENTATION_CLASS_UID,
        Part10Reader.IMPLEMENTATION_VERSION_NAME, Part10Reader.SOURCE_APPLICATION_ENTITY_TITLE,
    };

    static final AllocationBound BOUND = new AllocationBound("Part10", 256, 16 * 1024);

    private final Part10Reader whole = new Part10Reader();
    private final Part10Reader head = new Part10Reader();
    private final AsciiSequenceView view = new AsciiSequenceView();

    @FuzzTest(maxDuration = "20s")
    void readPart10(final byte[] input)
    {
        BOUND.check(input.length, () -> readPart10Once(input));
    }

    private void readPart10Once(final byte[] input)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(input);
        Part10Info info = null;
        try
        {
            whole.wrap(buffer, 0, input.length);
            info = inspect(whole, input.length, input.length);
        }
        catch (final DataSetException expected)
        {
            check(expected.getMessage() != null, "DataSetException without a message");
        }
        if (info != null)
        {
            try
            {
                final DataSet dataSet = DataSet.read(buffer, whole.dataSetOffset(),
                    input.length - whole.dataSetOffset(), whole.encoding());
                AllocationBound.outside(dataSet::toString);
            }
            catch (final DataSetException expected)
            {
                check(expected.getMessage() != null, "DataSetException without a message");
            }
        }
        // the head of a longer file: as the archive reads it, never more than the head, the rest not yet present
        final long fileLength = input.length + 1_000_000L;
        for (int length = 0; length <= input.length; length += Math.max(1, input.length / 16))
        {
            try
            {
                head.wrap(buffer, 0, length, fileLength);
                final Part10Info prefix = inspect(head, length, fileLength);
                if (info != null)
                {
                    check(head.dataSetOffset() == whole.dataSetOffset(), "prefix and whole disagree on the offset");
                    check(prefix.transferSyntaxUid().equals(info.transferSyntaxUid()), "prefix and whole disagree");
                }
            }
            catch (final DataSetException expected)
            {
                check(expected.getMessage() != null, "DataSetException without a message");
            }
        }
    }

    private Part10Info inspect(final Part10Reader reader, final int length, final long fileLength)
    {
        if (!(reader.dataSetOffset() >= 0 && reader.dataSetOffset() <= length))
        {
            throw new AssertionError("data set offset " + reader.dataSetOffset() + " outside " + length);
        }
        if (reader.fileLength() != fileLength)
        {
            throw new AssertionError("file length " + reader.fileLength());
        }
        check(reader.dataSetOffset() + reader.dataSetLength() == fileLength, "data set length");
        for (final int tag : TAGS)
        {
            final int offset = reader.valueOffset(tag);
            final int valueLength = reader.valueLength(tag);
            if (!(offset < 0 ? valueLength == 0 : offset >= 0 && offset + valueLength <= reader.dataSetOffset()))
            {
                throw new AssertionError("value " + offset + "+" + valueLength + " outside the meta group");
            }
            check(reader.value(tag, view).length() == valueLength, "view length");
            final String value = reader.string(tag);
            check((offset < 0) == (value == null), "string and offset disagree on presence");
        }
        final Part10Info info = reader.info();
        check(info.transferSyntaxUid() != null, "wrapped without a Transfer Syntax UID");
        check(info.dataSetOffset() == reader.dataSetOffset(), "info offset");
        reader.encoding();
        return info;
    }

    private static void check(final boolean condition, final String what)
    {
        if (!condition)
        {
            throw new AssertionError(what);
        }
    }
}
