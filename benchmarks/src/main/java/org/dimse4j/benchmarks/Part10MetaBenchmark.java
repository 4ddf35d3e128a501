package org.dimse4j.benchmarks;

import org.agrona.AsciiSequenceView;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.data.Part10Reader;
import org.dimse4j.data.Part10Writer;
import org.dimse4j.data.TransferSyntax;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * Part 10 head of a file to be sent (storescu, and the C-GET/C-MOVE SCP streaming from the archive): wrap the
 * preamble and File Meta Information group of a CT instance where it lies in an off-heap buffer (every element
 * header and length checked), then read the Transfer Syntax, Media Storage SOP Class and Instance UIDs as views and
 * the data set's offset and encoding. Allocation budget: 0 B/op.
 */
@Fork(value = 1, jvmArgsAppend = { BenchmarkFlags.AGRONA_ADD_OPENS, BenchmarkFlags.DISABLE_BOUNDS_CHECKS })
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class Part10MetaBenchmark
{
    private static final String CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2";
    private static final long FILE_LENGTH = 1L << 19;

    private final UnsafeBuffer head = new UnsafeBuffer(BufferUtil.allocateDirectAligned(1024, 64));
    private final int metaLength = Part10Writer.writeMeta(head, 0, CT_IMAGE_STORAGE,
        "1.2.826.0.1.3680043.10.543.1.20261124.123456.7.42", TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, "MODALITY");
    /** The head as read from a file: the meta group and the start of the data set (here zeros). */
    private final int headLength = head.capacity();
    private final Part10Reader reader = new Part10Reader();
    private final AsciiSequenceView transferSyntax = new AsciiSequenceView();
    private final AsciiSequenceView sopClass = new AsciiSequenceView();
    private final AsciiSequenceView sopInstance = new AsciiSequenceView();

    /** The reader must find the data set where the writer put it, or the benchmark measures nothing useful. */
    @Setup
    public void check()
    {
        if (reader.wrap(head, 0, headLength, FILE_LENGTH).dataSetOffset() != metaLength)
        {
            throw new IllegalStateException("data set offset " + reader.dataSetOffset() + ", written " + metaLength);
        }
    }

    /**
     * @param bh sink for every value read.
     * @return the data set's offset.
     */
    @Benchmark
    public int wrapAndReadMeta(final Blackhole bh)
    {
        reader.wrap(head, 0, headLength, FILE_LENGTH);
        reader.transferSyntaxUid(transferSyntax);
        reader.mediaStorageSopClassUid(sopClass);
        reader.mediaStorageSopInstanceUid(sopInstance);
        bh.consume(transferSyntax.length());
        bh.consume(transferSyntax.charAt(transferSyntax.length() - 1));
        bh.consume(sopClass.length());
        bh.consume(sopInstance.length());
        bh.consume(reader.encoding());
        bh.consume(reader.dataSetLength());
        return reader.dataSetOffset();
    }
}
