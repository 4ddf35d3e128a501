package org.dimse4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.data.DataSet;
import org.dimse4j.data.DataSetException;
import org.dimse4j.data.DataSetReader;
import org.dimse4j.data.Part10Reader;

/**
 * Data sets and Part 10 files as a peer or a disk may hold them: the first input byte picks the encoding, the rest
 * is walked with {@link DataSetReader} (every element, entering every sequence and item), parsed whole with
 * {@link DataSet#read}, and framed as a Part 10 file by {@link Part10Reader}. Only {@link DataSetException} may
 * escape; offsets must stay inside the input (Agrona's bounds checks are on under surefire) and every step of the
 * walk must move forward.
 * <p>
 * {@link AllocationBound}: the walk, the whole read and the Part 10 framing allocate at most 16 bytes per input byte +
 * 24 KB (the data set's text is not counted).
 */
class DataSetFuzzTest
{
    private static final int[] ENCODINGS = {
        DataSetReader.IMPLICIT_LITTLE, DataSetReader.EXPLICIT_LITTLE, DataSetReader.EXPLICIT_BIG};

    static final AllocationBound BOUND = new AllocationBound("DataSet", 16, 24 * 1024);

    private final DataSetReader reader = new DataSetReader();
    private final Part10Reader part10 = new Part10Reader();

    @FuzzTest(maxDuration = "20s")
    void readDataSet(final byte[] input)
    {
        BOUND.check(input.length, () -> readDataSetOnce(input));
    }

    private void readDataSetOnce(final byte[] input)
    {
        if (input.length == 0)
        {
            return;
        }
        final int encoding = ENCODINGS[(input[0] & 0xFF) % ENCODINGS.length];
        final UnsafeBuffer buffer = new UnsafeBuffer(input);
        try
        {
            reader.wrap(buffer, 1, input.length - 1, encoding);
            walk(input.length);
        }
        catch (final DataSetException expected)
        {
            check(expected.getMessage() != null, "DataSetException without a message");
        }
        try
        {
            final DataSet dataSet = DataSet.read(buffer, 1, input.length - 1, encoding);
            AllocationBound.outside(dataSet::toString);
        }
        catch (final DataSetException expected)
        {
            check(expected.getMessage() != null, "DataSetException without a message");
        }
        try
        {
            part10.wrap(buffer, 0, input.length);
            if (!(part10.dataSetOffset() >= 0 && part10.dataSetOffset() <= input.length))
            {
                throw new AssertionError("data set offset " + part10.dataSetOffset());
            }
        }
        catch (final DataSetException expected)
        {
            check(expected.getMessage() != null, "DataSetException without a message");
        }
    }

    private void walk(final int length)
    {
        int steps = 0;
        long lastOffset = -1;
        while (reader.next())
        {
            if (!(reader.elementOffset() > lastOffset || reader.depth() > 0))
            {
                throw new AssertionError("no progress at " + reader.elementOffset());
            }
            lastOffset = reader.depth() == 0 ? reader.elementOffset() : lastOffset;
            if (reader.valueOffset() > length)
            {
                throw new AssertionError("value offset " + reader.valueOffset() + " past " + length);
            }
            if (reader.valueLength() >= 0)
            {
                check((long)reader.valueOffset() + reader.valueLength() <= length, "value runs past the input");
            }
            check(++steps <= length, "more elements than bytes");
        }
    }

    private static void check(final boolean condition, final String what)
    {
        if (!condition)
        {
            throw new IllegalStateException(what);
        }
    }
}
