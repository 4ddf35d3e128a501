package org.dimse4j.benchmarks;

import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.dimse.CommandDecoder;
import org.dimse4j.dimse.CommandElement;
import org.dimse4j.dimse.CommandEncoder;
import org.dimse4j.dimse.Status;
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

import java.util.concurrent.TimeUnit;

/**
 * Encode the C-STORE-RSP to a decoded C-STORE-RQ (both UIDs echoed from the request's bytes) with
 * {@link CommandEncoder#encodeStoreRsp} into an {@link UnsafeBuffer} over a direct buffer. Allocation budget: 0 B/op.
 */
@Fork(value = 1, jvmArgsAppend = { BenchmarkFlags.AGRONA_ADD_OPENS, BenchmarkFlags.DISABLE_BOUNDS_CHECKS })
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class CommandEncodeBenchmark
{
    private final UnsafeBuffer request = Vectors.direct(512);
    private final UnsafeBuffer response = Vectors.direct(512);
    private final CommandDecoder decoder = new CommandDecoder();
    private final CommandEncoder encoder = new CommandEncoder();

    /**
     * Encodes and decodes the C-STORE-RQ once; the benchmark answers it.
     */
    @Setup
    public void setUp()
    {
        final int length = new CommandEncoder().encodeStoreRq(request, 0, Vectors.CT_IMAGE_STORAGE,
            Vectors.SOP_INSTANCE_UID, 7, CommandElement.PRIORITY_MEDIUM).encodedLength();
        decoder.wrap(request, 0, length).validate();
    }

    /**
     * @return the encoded C-STORE-RSP length.
     */
    @Benchmark
    public int encodeStoreRsp()
    {
        return encoder.encodeStoreRsp(response, 0, decoder, Status.SUCCESS).encodedLength();
    }
}
