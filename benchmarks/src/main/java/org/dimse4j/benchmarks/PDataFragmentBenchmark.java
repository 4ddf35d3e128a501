package org.dimse4j.benchmarks;

import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.pdu.PDataEncoder;
import org.dimse4j.pdu.PduDescriptor;
import org.dimse4j.pdu.PdvDescriptor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Send path for a data set: fragment a 512 KiB data set held in a direct buffer into P-DATA-TF PDUs of the peer's
 * Maximum Length (16 KiB), one PDV per PDU, even fragments of {@link PdvDescriptor#maxFragmentLength(int)} bytes
 * (16,378; 33 PDUs, the last carrying 192 bytes). Each PDU is written into the same off-heap send buffer, as a
 * transport that flushes every PDU would. Allocation budget: 0 B/op.
 * <p>
 * <b>One operation is one PDU</b> ({@link OperationsPerInvocation} = {@value #PDUS_PER_DATA_SET}); multiply ns/op by
 * 33 for the whole data set. Per data set (about 15 µs) the reading of {@code gc.alloc.rate.norm} would be dominated
 * by JMH's own background allocation (about 3 KB/s whatever the benchmark does: 0.05-0.09 B per 15 µs operation,
 * falling as iterations get longer), which is above the gate's 0.01 B/op although the loop allocates nothing.
 * {@code PDataFragmentZeroAllocationTest} checks the same loop deterministically with the thread's allocation
 * counter.
 */
@Fork(value = 1, jvmArgsAppend = { BenchmarkFlags.AGRONA_ADD_OPENS, BenchmarkFlags.DISABLE_BOUNDS_CHECKS })
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class PDataFragmentBenchmark
{
    /** The peer's Maximum Length (PDU-length limit). */
    public static final int MAX_PDU_LENGTH = 16 * 1024;

    /** Data set size in bytes. */
    public static final int DATA_SET_LENGTH = 512 * 1024;

    /** PDUs per data set: ceil(524,288 / 16,378). */
    public static final int PDUS_PER_DATA_SET = 33;

    private static final int CONTEXT_ID = 1;

    private final PDataEncoder encoder = new PDataEncoder();
    private final int fragmentLength = PdvDescriptor.maxFragmentLength(MAX_PDU_LENGTH);
    private UnsafeBuffer dataSet;
    private UnsafeBuffer sendBuffer;

    /**
     * Fills the data set with random bytes and sizes the send buffer for one PDU.
     */
    @Setup
    public void setUp()
    {
        if ((DATA_SET_LENGTH + fragmentLength - 1) / fragmentLength != PDUS_PER_DATA_SET)
        {
            throw new IllegalStateException("PDUS_PER_DATA_SET does not match the sizes");
        }
        final byte[] bytes = new byte[DATA_SET_LENGTH];
        ThreadLocalRandom.current().nextBytes(bytes);
        dataSet = Vectors.direct(DATA_SET_LENGTH);
        dataSet.putBytes(0, bytes);
        sendBuffer = Vectors.direct(PduDescriptor.HEADER_LENGTH + MAX_PDU_LENGTH);
    }

    /**
     * @return the bytes of all PDUs written (the sink: each PDU's length feeds it).
     */
    @Benchmark
    @OperationsPerInvocation(PDUS_PER_DATA_SET)
    public long fragmentDataSet()
    {
        long written = 0;
        for (int offset = 0; offset < DATA_SET_LENGTH; offset += fragmentLength)
        {
            final int length = Math.min(fragmentLength, DATA_SET_LENGTH - offset);
            final int controlHeader = offset + length == DATA_SET_LENGTH ? PdvDescriptor.LAST : 0;
            written += encoder.wrap(sendBuffer, 0)
                .putPdv(CONTEXT_ID, controlHeader, dataSet, offset, length)
                .encodedLength();
        }
        return written;
    }
}
