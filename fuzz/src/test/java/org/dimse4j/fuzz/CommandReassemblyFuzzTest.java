package org.dimse4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.dimse.CommandDecoder;
import org.dimse4j.dimse.CommandField;
import org.dimse4j.dimse.DimseProvider;
import org.dimse4j.pdu.PDataEncoder;
import org.dimse4j.pdu.PdvDescriptor;
import org.dimse4j.pdu.ProtocolException;
import org.dimse4j.ul.AcceptorPolicy;
import org.dimse4j.ul.Association;
import org.dimse4j.ul.AssociationSettings;
import org.dimse4j.ul.ScriptedChannel;
import org.dimse4j.ul.State;

import java.util.Arrays;
import java.util.List;

/**
 * A command set split into arbitrary PDV fragments, through the real receive path: an accepted {@link Association}
 * reads an A-ASSOCIATE-RQ and then P-DATA-TF PDUs carrying the fragments from a {@link ScriptedChannel}, and its
 * {@link DimseProvider} reassembles them.
 * <p>
 * Input layout: byte 0 = fragment count - 1 (low 4 bits) and whether all PDVs share one P-DATA-TF (bit 4); then,
 * for each fragment but the last, a length byte (fragment length 1 + value) and a control-header byte XORed onto the
 * legal header (0 = legal: command bit set, last bit only on the last fragment); then one control-header byte for the
 * last fragment; the rest is the command set.
 * <p>
 * With legal headers the handler must see exactly one command whose bytes equal the unsplit command set, if that
 * decodes as {@code DimseProvider} requires (wrap, validate when the command field is known, a Message ID to answer
 * otherwise); if it does not decode, the association must be aborted and the handler never called. With any header
 * bits flipped, nothing may escape {@code doWork}, the handler sees at most one command per fragment, and the
 * association is either still established or aborted. Every run ends within a bounded number of {@code doWork}
 * calls.
 * <p>
 * {@link AllocationBound}: at most 32 bytes per input byte + 24 KB, the association and its buffers included.
 */
class CommandReassemblyFuzzTest
{
    /** V1 of the spec vectors: an A-ASSOCIATE-RQ proposing Verification on context 1 with Implicit VR LE. */
    private static final byte[] ASSOCIATE_RQ =
        resource("AssociateNegotiationFuzzTestInputs/negotiate/v1_a_associate_rq.bin");

    private static final int MAX_COMMAND = 8192;

    static final AllocationBound BOUND = new AllocationBound("CommandReassembly", 32, 24 * 1024);

    private final UnsafeBuffer pdus = new UnsafeBuffer(new byte[256 * 1024]);
    private final PDataEncoder encoder = new PDataEncoder();
    private final CommandDecoder reference = new CommandDecoder();

    @FuzzTest(maxDuration = "20s")
    void reassembleCommand(final byte[] input)
    {
        BOUND.check(input.length, () -> reassembleCommandOnce(input));
    }

    private void reassembleCommandOnce(final byte[] input)
    {
        if (input.length < 2)
        {
            return;
        }
        int fragments = (input[0] & 0x0F) + 1;
        final boolean onePdu = (input[0] & 0x10) != 0;
        final int headerBytes = 1 + 2 * (fragments - 1) + 1;
        if (input.length <= headerBytes)
        {
            return;
        }
        final byte[] command = Arrays.copyOfRange(input, headerBytes, input.length);
        if (command.length > MAX_COMMAND)
        {
            return; // all in one P-DATA-TF must stay under our Maximum Length, or the abort is rightful
        }
        final int[] lengths = new int[fragments];
        final int[] headers = new int[fragments];
        boolean legal = true;
        int used = 0;
        int n = 0;
        for (int i = 0; i < fragments - 1 && used < command.length - 1; i++)
        {
            lengths[n] = Math.min(1 + (input[1 + 2 * i] & 0xFF), command.length - 1 - used);
            final int flip = input[2 + 2 * i] & 0x03;
            headers[n] = PdvDescriptor.COMMAND ^ flip;
            legal &= flip == 0;
            used += lengths[n++];
        }
        final int lastFlip = input[headerBytes - 1] & 0x03;
        lengths[n] = command.length - used;
        headers[n] = (PdvDescriptor.COMMAND | PdvDescriptor.LAST) ^ lastFlip;
        legal &= lastFlip == 0;
        fragments = n + 1;

        final int streamLength = encode(command, lengths, headers, fragments, onePdu);
        final byte[] stream = new byte[ASSOCIATE_RQ.length + streamLength];
        System.arraycopy(ASSOCIATE_RQ, 0, stream, 0, ASSOCIATE_RQ.length);
        pdus.getBytes(0, stream, ASSOCIATE_RQ.length, streamLength);

        final List<byte[]> seen = new java.util.ArrayList<>();
        final DimseProvider provider = new DimseProvider((p, association, contextId, decoded) ->
        {
            final byte[] bytes = new byte[decoded.encodedLength()];
            decoded.buffer().getBytes(decoded.offset(), bytes);
            seen.add(bytes);
        });
        final ScriptedChannel channel = new ScriptedChannel(stream, new byte[1]);
        final Association association;
        try
        {
            association = Association.accepted(channel, new AssociationSettings().conclude(),
                new AcceptorPolicy().accept("1.2.840.10008.1.1", List.of("1.2.840.10008.1.2")), provider, 0L);
        }
        catch (final java.io.IOException ex)
        {
            throw new AssertionError("in-memory channel failed", ex);
        }
        try
        {
            // each doWork reads and handles what fits; the stream is at most a few hundred KB
            for (int i = 0; i < 64 && !association.isClosed(); i++)
            {
                association.doWork(0L);
            }
            final State state = association.state();
            if (seen.size() > fragments)
            {
                throw new AssertionError(seen.size() + " commands from " + fragments + " fragments");
            }
            if (!(state == State.STA6 || association.isClosed() || state == State.STA13))
            {
                throw new AssertionError("neither established nor aborted: " + state);
            }
            if (legal)
            {
                if (decodesAsTheProviderRequires(command))
                {
                    if (state != State.STA6)
                    {
                        throw new AssertionError("a command that decodes unsplit ended the association: " + state);
                    }
                    if (seen.size() != 1)
                    {
                        throw new AssertionError(seen.size() + " commands seen, 1 sent");
                    }
                    check(Arrays.equals(seen.get(0), command), "reassembled bytes differ from the unsplit command");
                }
                else
                {
                    check(seen.isEmpty(), "a command that does not decode reached the handler");
                    check(state != State.STA6, "a command that does not decode left the association established");
                }
            }
        }
        finally
        {
            association.close();
        }
    }

    private int encode(final byte[] command, final int[] lengths, final int[] headers, final int fragments,
        final boolean onePdu)
    {
        final UnsafeBuffer src = new UnsafeBuffer(command);
        int at = 0;
        int from = 0;
        encoder.wrap(pdus, at);
        for (int i = 0; i < fragments; i++)
        {
            if (!onePdu && i > 0)
            {
                at += encoder.encodedLength();
                encoder.wrap(pdus, at);
            }
            encoder.putPdv(1, headers[i], src, from, lengths[i]);
            from += lengths[i];
        }
        return at + encoder.encodedLength();
    }

    private boolean decodesAsTheProviderRequires(final byte[] command)
    {
        try
        {
            reference.wrap(new UnsafeBuffer(command), 0, command.length);
            final int field = reference.commandField();
            if (CommandField.isKnown(field))
            {
                reference.validate();
                return true;
            }
            return !CommandField.isResponse(field) && reference.messageId() >= 0;
        }
        catch (final ProtocolException ex)
        {
            return false;
        }
    }

    private static byte[] resource(final String name)
    {
        try (java.io.InputStream in = CommandReassemblyFuzzTest.class.getResourceAsStream(name))
        {
            if (in == null)
            {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    private static void check(final boolean condition, final String what)
    {
        if (!condition)
        {
            throw new AssertionError(what);
        }
    }
}
