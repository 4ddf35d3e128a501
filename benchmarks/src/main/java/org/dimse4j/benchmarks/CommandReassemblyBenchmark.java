package org.dimse4j.benchmarks;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.dimse.CommandDecoder;
import org.dimse4j.dimse.CommandElement;
import org.dimse4j.dimse.CommandEncoder;
import org.dimse4j.pdu.PDataDecoder;
import org.dimse4j.pdu.PDataEncoder;
import org.dimse4j.pdu.PduFramer;
import org.dimse4j.pdu.PdvDescriptor;
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
 * A C-STORE-RQ command set split over 3 PDVs, one per P-DATA-TF, lying back to back in a receive buffer: frame each
 * PDU, walk its PDV, copy the fragment into a reusable off-heap command buffer, and on the last fragment decode and
 * validate the gathered command set. Allocation budget: 0 B/op.
 * <p>
 * core has no public command assembler (the gathering lives inside {@code DimseProvider.onPdv}, which needs an
 * association); {@link CommandAssembler} below is a minimal copy of the same logic, kept inside this benchmark.
 */
@Fork(value = 1, jvmArgsAppend = { BenchmarkFlags.AGRONA_ADD_OPENS, BenchmarkFlags.DISABLE_BOUNDS_CHECKS })
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class CommandReassemblyBenchmark
{
    private static final int CONTEXT_ID = 1;
    private static final int FRAGMENTS = 3;

    private final UnsafeBuffer received = Vectors.direct(1024);
    private final PduFramer framer = new PduFramer(16_384, 65_536);
    private final PDataDecoder pdvs = new PDataDecoder();
    private final CommandAssembler assembler = new CommandAssembler(64 * 1024);
    private final CommandDecoder decoder = new CommandDecoder();
    private int receivedLength;

    /**
     * Builds the three P-DATA-TF PDUs once.
     */
    @Setup
    public void setUp()
    {
        final UnsafeBuffer command = Vectors.direct(512);
        final int commandLength = new CommandEncoder().encodeStoreRq(command, 0, Vectors.CT_IMAGE_STORAGE,
            Vectors.SOP_INSTANCE_UID, 7, CommandElement.PRIORITY_MEDIUM).encodedLength();
        final int fragment = (commandLength / FRAGMENTS) & ~1;
        final PDataEncoder encoder = new PDataEncoder();
        int at = 0;
        for (int i = 0; i < FRAGMENTS; i++)
        {
            final boolean last = i == FRAGMENTS - 1;
            final int length = last ? commandLength - i * fragment : fragment;
            final int controlHeader = PdvDescriptor.COMMAND | (last ? PdvDescriptor.LAST : 0);
            at += encoder.wrap(received, at).putPdv(CONTEXT_ID, controlHeader, command, i * fragment, length)
                .encodedLength();
        }
        receivedLength = at;
        if (receive() < 0)
        {
            throw new IllegalStateException("set-up did not produce a complete command");
        }
    }

    /**
     * @return a checksum of the decoded Command Field, Message ID and Command Data Set Type (the sink).
     */
    @Benchmark
    public int frameGatherAndDecode()
    {
        return receive();
    }

    private int receive()
    {
        int decoded = -1;
        int offset = 0;
        while (offset < receivedLength)
        {
            final int length = framer.frame(received, offset, receivedLength - offset);
            pdvs.wrap(received, offset, length);
            while (pdvs.nextPdv())
            {
                if (assembler.append(pdvs.contextId(), received, pdvs.fragmentOffset(), pdvs.fragmentLength(),
                    pdvs.isLast()))
                {
                    decoder.wrap(assembler.buffer(), 0, assembler.length()).validate();
                    decoded = decoder.commandField() + decoder.messageId() + decoder.commandDataSetType();
                }
            }
            offset += length;
        }
        return decoded;
    }

    /**
     * Gathers command fragments of one message into a fixed off-heap buffer, as {@code DimseProvider} does.
     */
    static final class CommandAssembler
    {
        private final UnsafeBuffer buffer;
        private int length;
        private int completeLength;
        private int contextId = -1;

        CommandAssembler(final int capacity)
        {
            buffer = Vectors.direct(capacity);
        }

        /**
         * @return true when {@code last} completed a command; it is then {@link #length()} bytes of
         * {@link #buffer()} until the next call.
         */
        boolean append(final int contextId, final DirectBuffer src, final int offset, final int fragmentLength,
            final boolean last)
        {
            if (this.contextId >= 0 && this.contextId != contextId)
            {
                throw new IllegalStateException("command fragments on contexts " + this.contextId + " and " +
                    contextId);
            }
            if (length + fragmentLength > buffer.capacity())
            {
                throw new IllegalStateException("command set longer than " + buffer.capacity() + " bytes");
            }
            buffer.putBytes(length, src, offset, fragmentLength);
            length += fragmentLength;
            this.contextId = contextId;
            if (last)
            {
                completeLength = length;
                length = 0;
                this.contextId = -1;
                return true;
            }
            return false;
        }

        UnsafeBuffer buffer()
        {
            return buffer;
        }

        int length()
        {
            return completeLength;
        }
    }
}
