package org.dimse4j.benchmarks;

import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.dimse.CommandDecoder;
import org.dimse4j.dimse.CommandElement;
import org.dimse4j.dimse.CommandEncoder;
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
 * Decode a C-STORE-RQ command set (built once with {@link CommandEncoder}, CT Image Storage) in place and read what
 * an SCP reads: Command Field, Message ID, Priority, the Affected SOP Class UID compared with an off-heap copy of the
 * expected UID, and whether a data set follows. With and without {@link CommandDecoder#validate()}.
 * Allocation budget: 0 B/op.
 */
@Fork(value = 1, jvmArgsAppend = { BenchmarkFlags.AGRONA_ADD_OPENS, BenchmarkFlags.DISABLE_BOUNDS_CHECKS })
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class CommandDecodeBenchmark
{
    private final UnsafeBuffer command = Vectors.direct(512);
    private final UnsafeBuffer expectedSopClass = Vectors.direct(64);
    private final CommandDecoder decoder = new CommandDecoder();
    private int commandLength;
    private int expectedSopClassLength;

    /**
     * Encodes the C-STORE-RQ once.
     */
    @Setup
    public void setUp()
    {
        commandLength = new CommandEncoder().encodeStoreRq(command, 0, Vectors.CT_IMAGE_STORAGE,
            Vectors.SOP_INSTANCE_UID, 7, CommandElement.PRIORITY_MEDIUM).encodedLength();
        expectedSopClassLength = expectedSopClass.putStringWithoutLengthAscii(0, Vectors.CT_IMAGE_STORAGE);
        decoder.wrap(command, 0, commandLength).validate();
    }

    /**
     * @param bh sink for every value read.
     * @return whether a data set follows.
     */
    @Benchmark
    public boolean wrapAndRead(final Blackhole bh)
    {
        decoder.wrap(command, 0, commandLength);
        return read(bh);
    }

    /**
     * @param bh sink for every value read.
     * @return whether a data set follows.
     */
    @Benchmark
    public boolean wrapValidateAndRead(final Blackhole bh)
    {
        decoder.wrap(command, 0, commandLength).validate();
        return read(bh);
    }

    private boolean read(final Blackhole bh)
    {
        bh.consume(decoder.commandField());
        bh.consume(decoder.messageId());
        bh.consume(decoder.priority());
        bh.consume(decoder.uidEquals(
            CommandElement.AFFECTED_SOP_CLASS_UID, expectedSopClass, 0, expectedSopClassLength));
        return decoder.hasDataSet();
    }
}
