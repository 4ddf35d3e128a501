package org.dimse4j.benchmarks;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Negative control for the allocation gate: allocates a 16-byte array per operation (32 B/op with its header) and
 * returns it, so escape analysis cannot remove it. The gate must FAIL on this benchmark; it is excluded from the
 * hot-path run.
 */
@Fork(value = 1, jvmArgsAppend = { BenchmarkFlags.AGRONA_ADD_OPENS, BenchmarkFlags.DISABLE_BOUNDS_CHECKS })
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class AllocatingControlBenchmark
{
    /**
     * @return a new array.
     */
    @Benchmark
    public byte[] allocate16Bytes()
    {
        return new byte[16];
    }
}
