package org.dimse4j.benchmarks;

import org.dimse4j.dimse.CommandDecoder;
import org.dimse4j.dimse.CommandField;
import org.dimse4j.dimse.DimseHandler;
import org.dimse4j.dimse.DimseProvider;
import org.dimse4j.service.Verification;
import org.dimse4j.ul.AcceptorPolicy;
import org.dimse4j.ul.Association;
import org.dimse4j.ul.AssociationSettings;
import org.dimse4j.ul.ScriptedChannel;
import org.dimse4j.ul.State;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The acceptor's whole path for one C-ECHO, without the kernel: a P-DATA-TF holding a C-ECHO-RQ (spec vector V3)
 * is read from a {@link ScriptedChannel} into the receive ring, framed, run through the state machine (Evt10),
 * published to the PDV queue, drained, its command decoded and validated in place, and the C-ECHO-RSP encoded into
 * the send buffer and written. Allocation budget: 0 B/op.
 */
@Fork(value = 1, jvmArgsAppend = { BenchmarkFlags.AGRONA_ADD_OPENS, BenchmarkFlags.DISABLE_BOUNDS_CHECKS })
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@org.openjdk.jmh.annotations.State(Scope.Thread)
public class EchoReceivePathBenchmark
{
    private ScriptedChannel channel;
    private Association association;

    /**
     * Associates over the scripted channel (V1 A-ASSOCIATE-RQ), reaching Sta6.
     *
     * @throws IOException never for an in-memory channel.
     */
    @Setup
    public void setUp() throws IOException
    {
        channel = new ScriptedChannel(Vectors.bytes(Vectors.V1_A_ASSOCIATE_RQ), Vectors.bytes(Vectors.V3_P_DATA_TF_C_ECHO_RQ));
        final DimseHandler handler = new DimseHandler()
        {
            @Override
            public void onCommand(final DimseProvider provider, final Association association, final int contextId,
                final CommandDecoder command)
            {
                if (command.commandField() == CommandField.C_ECHO_RQ)
                {
                    Verification.respond(provider, association, contextId, command);
                }
            }
        };
        association = Association.accepted(channel, new AssociationSettings().conclude(),
            new AcceptorPolicy().accept(Verification.SOP_CLASS, List.of("1.2.840.10008.1.2")),
            new DimseProvider(handler), System.nanoTime());
        for (int i = 0; i < 10 && association.state() != State.STA6; i++)
        {
            association.doWork(System.nanoTime());
        }
        if (association.state() != State.STA6)
        {
            throw new IllegalStateException("not associated: " + association);
        }
    }

    /**
     * @return work done: 1 PDU read and answered.
     */
    @Benchmark
    public int receiveEchoAndRespond()
    {
        channel.allow(1);
        return association.doWork(System.nanoTime());
    }

    /**
     * Checks every request was answered, then frees the association.
     */
    @TearDown
    public void tearDown()
    {
        final long expected = channel.framesServed() * 90;
        association.close();
        if (channel.bytesWritten() < expected)
        {
            throw new IllegalStateException("answered fewer C-ECHOs than were read");
        }
    }
}
