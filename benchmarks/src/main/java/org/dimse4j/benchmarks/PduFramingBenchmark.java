package org.dimse4j.benchmarks;

import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.pdu.PDataDecoder;
import org.dimse4j.pdu.PduFramer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * Receive path, first step: frame the V3 P-DATA-TF (a C-ECHO-RQ) where it lies in an off-heap buffer and walk its
 * PDV with {@link PDataDecoder}. Allocation budget: 0 B/op.
 */
@Fork(value = 1, jvmArgsAppend = { BenchmarkFlags.AGRONA_ADD_OPENS, BenchmarkFlags.DISABLE_BOUNDS_CHECKS })
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class PduFramingBenchmark
{
    private final UnsafeBuffer buffer = Vectors.directFromHex(Vectors.V3_P_DATA_TF_C_ECHO_RQ);
    private final int available = buffer.capacity();
    private final PduFramer framer = new PduFramer(16_384, 65_536);
    private final PDataDecoder decoder = new PDataDecoder();

    /**
     * @param bh sink for every value read.
     * @return the framed PDU length.
     */
    @Benchmark
    public int frameAndWalkPdv(final Blackhole bh)
    {
        final int length = framer.frame(buffer, 0, available);
        decoder.wrap(buffer, 0, length);
        while (decoder.nextPdv())
        {
            bh.consume(decoder.contextId());
            bh.consume(decoder.controlHeader());
            bh.consume(decoder.fragmentOffset());
            bh.consume(decoder.fragmentLength());
        }
        return length;
    }
}
