package org.dimse4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.pdu.AssociateDecoder;
import org.dimse4j.pdu.AssociateEncoder;
import org.dimse4j.pdu.AssociatePdu;
import org.dimse4j.pdu.FixedPduCodec;
import org.dimse4j.pdu.ItemDescriptor;
import org.dimse4j.pdu.PduDescriptor;
import org.dimse4j.pdu.PduFramer;
import org.dimse4j.pdu.ProtocolException;
import org.dimse4j.ul.AcceptorPolicy;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The acceptor's side of association negotiation fed arbitrary A-ASSOCIATE-RQ bytes: decode, then answer with
 * {@link AcceptorPolicy#negotiate} under three policies (lenient; called and calling AE titles checked with one
 * association per calling title; user identity required), then encode the answer and read it back.
 * <p>
 * Only {@link ProtocolException} may escape decoding. A request that decoded must re-encode and decode to the same
 * model, with AE titles of at most 16 characters. Negotiation must not throw. An A-ASSOCIATE-AC must encode (no
 * item over 65535 bytes, whatever the request held) and decode back to the same results. An A-ASSOCIATE-RJ must
 * carry a (result, source, reason) triple PS3.8 Table 9-21 defines, encode and frame as a 10-byte PDU that reads
 * back the same, and for the checking policy be the one its rules give: (1, 1, 2) for a foreign application
 * context, then (1, 1, 7) for a called AE title not served, (1, 1, 3) for a calling AE title not allowed, and
 * (2, 3, 2) for a second association from the same calling AE title.
 */
class AssociateNegotiationFuzzTest
{
    private static final String SCP = "ANY-SCP";
    private static final String ARCHIVE = "FUZZSCP";
    private static final Set<String> CALLERS = Set.of("ECHOSCU", "STORESCU");

    /** Decoding makes a model of strings and lists: a few dozen bytes per input byte. */
    static final AllocationBound BOUND = new AllocationBound("AssociateNegotiation", 48, 16 * 1024);

    private final AssociateDecoder decoder = new AssociateDecoder();
    private final AssociateEncoder encoder = new AssociateEncoder();
    private final PduFramer framer = new PduFramer(16_384, 1 << 20);
    private final AssociatePdu rq = new AssociatePdu();
    private final AssociatePdu rqAgain = new AssociatePdu();
    private final AssociatePdu ac = new AssociatePdu();
    private final AssociatePdu again = new AssociatePdu();
    private final UnsafeBuffer reject = new UnsafeBuffer(new byte[PduDescriptor.FIXED_PDU_LENGTH]);
    private final AcceptorPolicy lenient = accepting(new AcceptorPolicy().aeTitle(SCP))
        .userIdentityVerifier((calling, identity) -> identity.primaryField().length > 3 ? new byte[0] : null);
    private final AcceptorPolicy checking = accepting(new AcceptorPolicy().aeTitle(SCP))
        .requireCalledAeTitle(true)
        .allowedCallingAeTitles(CALLERS)
        .allowedCallingAeTitles(ARCHIVE, Set.of("MODALITY"))
        .maxAssociationsPerCallingAeTitle(1);
    private final AcceptorPolicy identified = accepting(new AcceptorPolicy().aeTitle(SCP))
        .requireUserIdentity(true)
        .userIdentityVerifier((calling, identity) -> identity.type() == AssociatePdu.UserIdentity.USERNAME ?
            null : identity.primaryField());

    private static AcceptorPolicy accepting(final AcceptorPolicy policy)
    {
        return policy
            .accept("1.2.840.10008.1.1", List.of("1.2.840.10008.1.2"))
            .accept("1.2.840.10008.5.1.4.1.1.2", List.of("1.2.840.10008.1.2.1", "1.2.840.10008.1.2"))
            .acceptScuRole("1.2.840.10008.5.1.4.1.1.2")
            .asyncOperationsWindow(4, 16);
    }

    @FuzzTest(maxDuration = "20s")
    void negotiate(final byte[] input)
    {
        BOUND.check(input.length, () -> negotiateOnce(input));
    }

    private void negotiateOnce(final byte[] input)
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
            check(expected.getMessage() != null, "ProtocolException without a message");
            return;
        }
        if (!rq.isRequest())
        {
            return;
        }
        check(rq.calledAeTitle().length() <= 16 && rq.callingAeTitle().length() <= 16, "AE title over 16");
        checkReencodes();

        answer(lenient.negotiate(rq, ac));
        answer(identified.negotiate(rq, ac));

        final int expected = expectedByTheCheckingRules();
        final int first = checking.negotiate(rq, ac);
        answer(first);
        if (first != expected)
        {
            throw new AssertionError("checking policy answered " + describe(first) + ", its rules say " +
                describe(expected));
        }
        if (first == 0)
        {
            check(checking.openAssociations(rq.callingAeTitle()) == 1, "accepted association not counted");
            final int second = checking.negotiate(rq, ac);
            answer(second);
            if (second != AcceptorPolicy.reject(FixedPduCodec.REJECTED_TRANSIENT,
                FixedPduCodec.REJECT_SOURCE_PRESENTATION, FixedPduCodec.REJECT_LOCAL_LIMIT_EXCEEDED))
            {
                throw new AssertionError("second association from one calling AE title answered " + describe(second));
            }
            checking.released(rq.callingAeTitle());
        }
        check(checking.openAssociations(rq.callingAeTitle()) == 0, "association count left behind");
    }

    private int expectedByTheCheckingRules()
    {
        if (!AssociatePdu.DICOM_APPLICATION_CONTEXT.equals(rq.applicationContextName()))
        {
            return AcceptorPolicy.reject(1, 1, 2);
        }
        final boolean archive = ARCHIVE.equals(rq.calledAeTitle());
        if (!archive && !SCP.equals(rq.calledAeTitle()))
        {
            return AcceptorPolicy.reject(1, 1, 7);
        }
        if (!(archive ? Set.of("MODALITY") : CALLERS).contains(rq.callingAeTitle()))
        {
            return AcceptorPolicy.reject(1, 1, 3);
        }
        return 0;
    }

    private void checkReencodes()
    {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[AssociateEncoder.encodedLength(rq)]);
        final int length = encoder.encode(rq, out, 0);
        check(length == out.capacity(), "encodedLength disagrees with encode");
        decoder.decode(out, 0, length, rqAgain);
        if (!sameRequest(rq, rqAgain))
        {
            throw new AssertionError("A-ASSOCIATE-RQ did not survive re-encoding: " + rq + " vs " + rqAgain);
        }
    }

    private void answer(final int decision)
    {
        if (decision != 0)
        {
            checkReject(decision);
            return;
        }
        check(ac.calledAeTitle().length() <= 16 && ac.callingAeTitle().length() <= 16, "AC AE title over 16");
        check(AssociateEncoder.userInformationLength(ac) <= ItemDescriptor.MAX_ITEM_LENGTH, "User Information");
        final UnsafeBuffer out = new UnsafeBuffer(new byte[AssociateEncoder.encodedLength(ac)]);
        final int length = encoder.encode(ac, out, 0);
        check(length == out.capacity(), "encodedLength disagrees with encode");
        decoder.decode(out, 0, length, again);
        final List<AssociatePdu.PresentationContext> sent = ac.presentationContexts();
        final List<AssociatePdu.PresentationContext> read = again.presentationContexts();
        check(sent.size() == rq.presentationContexts().size(), "one result per proposed context");
        boolean same = sent.size() == read.size() && ac.roleSelections().equals(again.roleSelections());
        for (int i = 0; same && i < sent.size(); i++)
        {
            // a rejected context's transfer syntax is not significant (PS3.8 Table 9-18) and is not kept
            same = sent.get(i).id() == read.get(i).id() && sent.get(i).result() == read.get(i).result() &&
                (!sent.get(i).isAccepted() || sent.get(i).transferSyntax().equals(read.get(i).transferSyntax()));
        }
        if (!same)
        {
            throw new AssertionError("A-ASSOCIATE-AC did not survive its own encoding: " + ac + " vs " + again);
        }
    }

    /** PS3.8 Table 9-21 (spec digest pdu.md section 3): the reasons each source may give. */
    private void checkReject(final int decision)
    {
        final int result = decision >>> 16;
        final int source = (decision >>> 8) & 0xFF;
        final int reason = decision & 0xFF;
        final boolean legalResult =
            result == FixedPduCodec.REJECTED_PERMANENT || result == FixedPduCodec.REJECTED_TRANSIENT;
        final boolean legalReason = switch (source)
        {
            case FixedPduCodec.REJECT_SOURCE_SERVICE_USER -> reason == 1 || reason == 2 || reason == 3 || reason == 7;
            case FixedPduCodec.REJECT_SOURCE_ACSE, FixedPduCodec.REJECT_SOURCE_PRESENTATION ->
                reason == 1 || reason == 2;
            default -> false;
        };
        final boolean legal = legalResult && legalReason;
        if (!legal || decision != AcceptorPolicy.reject(result, source, reason))
        {
            throw new AssertionError("illegal A-ASSOCIATE-RJ " + describe(decision));
        }
        final int length = FixedPduCodec.encodeAssociateReject(reject, 0, result, source, reason);
        check(framer.frame(reject, 0, length) == length, "A-ASSOCIATE-RJ does not frame");
        check(FixedPduCodec.rejectResult(reject, 0) == result && FixedPduCodec.rejectSource(reject, 0) == source &&
            FixedPduCodec.rejectReason(reject, 0) == reason, "A-ASSOCIATE-RJ reads back differently");
    }

    private static boolean sameRequest(final AssociatePdu a, final AssociatePdu b)
    {
        return a.pduType() == b.pduType() && a.protocolVersion() == b.protocolVersion() &&
            a.calledAeTitle().equals(b.calledAeTitle()) && a.callingAeTitle().equals(b.callingAeTitle()) &&
            a.applicationContextName().equals(b.applicationContextName()) &&
            a.presentationContexts().equals(b.presentationContexts()) && a.maxLength() == b.maxLength() &&
            Objects.equals(a.implementationClassUid(), b.implementationClassUid()) &&
            Objects.equals(a.implementationVersionName(), b.implementationVersionName()) &&
            a.hasAsyncOperationsWindow() == b.hasAsyncOperationsWindow() &&
            a.maxOperationsInvoked() == b.maxOperationsInvoked() &&
            a.maxOperationsPerformed() == b.maxOperationsPerformed() &&
            a.roleSelections().equals(b.roleSelections()) &&
            a.extendedNegotiations().equals(b.extendedNegotiations()) &&
            a.commonExtendedNegotiations().equals(b.commonExtendedNegotiations()) &&
            Objects.equals(a.userIdentity(), b.userIdentity());
    }

    private static String describe(final int decision)
    {
        return decision == 0 ? "accept" : "(" + (decision >>> 16) + ", " + ((decision >>> 8) & 0xFF) + ", " +
            (decision & 0xFF) + ")";
    }

    private static void check(final boolean condition, final String what)
    {
        if (!condition)
        {
            throw new AssertionError(what);
        }
    }
}
