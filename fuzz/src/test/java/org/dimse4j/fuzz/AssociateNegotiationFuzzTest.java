package org.dimse4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.pdu.AssociateDecoder;
import org.dimse4j.pdu.AssociateEncoder;
import org.dimse4j.pdu.AssociatePdu;
import org.dimse4j.pdu.PduDescriptor;
import org.dimse4j.pdu.ProtocolException;
import org.dimse4j.ul.AcceptorPolicy;

import java.util.List;

/**
 * The acceptor's side of association negotiation fed arbitrary A-ASSOCIATE-RQ bytes: decode, then answer with
 * {@link AcceptorPolicy#negotiate}, then encode the A-ASSOCIATE-AC and decode it again. Only
 * {@link ProtocolException} may escape decoding; negotiation and the answer must never fail on a request that
 * decoded, and the answer must re-decode to the same contexts.
 */
class AssociateNegotiationFuzzTest
{
    private final AssociateDecoder decoder = new AssociateDecoder();
    private final AssociateEncoder encoder = new AssociateEncoder();
    private final AssociatePdu rq = new AssociatePdu();
    private final AssociatePdu ac = new AssociatePdu();
    private final AssociatePdu again = new AssociatePdu();
    private final AcceptorPolicy policy = new AcceptorPolicy().aeTitle("FUZZSCP")
        .accept("1.2.840.10008.1.1", List.of("1.2.840.10008.1.2"))
        .accept("1.2.840.10008.5.1.4.1.1.2", List.of("1.2.840.10008.1.2.1", "1.2.840.10008.1.2"))
        .acceptScuRole("1.2.840.10008.5.1.4.1.1.2")
        .asyncOperationsWindow(4, 16)
        .userIdentityVerifier((calling, identity) -> identity.primaryField().length > 3 ? new byte[0] : null);

    @FuzzTest(maxDuration = "20s")
    void negotiate(final byte[] input)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(input);
        if (input.length < PduDescriptor.HEADER_LENGTH)
        {
            return;
        }
        try
        {
            decoder.decode(buffer, 0, input.length, rq);
        }
        catch (final ProtocolException expected)
        {
            return;
        }
        if (!rq.isRequest())
        {
            return;
        }
        final int decision = policy.negotiate(rq, ac);
        if (decision != 0)
        {
            return;
        }
        if (ac.calledAeTitle().length() > 16 || ac.callingAeTitle().length() > 16)
        {
            return; // trimmed titles longer than the field cannot come from a decoded PDU
        }
        final UnsafeBuffer out = new UnsafeBuffer(new byte[AssociateEncoder.encodedLength(ac)]);
        final int length;
        try
        {
            length = encoder.encode(ac, out, 0);
        }
        catch (final IllegalArgumentException tooLarge)
        {
            return; // an A-ASSOCIATE-AC item over 65535 bytes for an absurd request: refused, not a crash
        }
        decoder.decode(out, 0, length, again);
        final List<AssociatePdu.PresentationContext> sent = ac.presentationContexts();
        final List<AssociatePdu.PresentationContext> read = again.presentationContexts();
        boolean same = sent.size() == read.size();
        for (int i = 0; same && i < sent.size(); i++)
        {
            // a rejected context's transfer syntax is not significant (PS3.8 Table 9-18) and is not kept
            same = sent.get(i).id() == read.get(i).id() && sent.get(i).result() == read.get(i).result() &&
                (!sent.get(i).isAccepted() || sent.get(i).transferSyntax().equals(read.get(i).transferSyntax()));
        }
        if (!same)
        {
            throw new IllegalStateException("A-ASSOCIATE-AC did not survive its own encoding: " + sent + " vs " + read);
        }
    }
}
