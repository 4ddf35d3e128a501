package org.dimse4j.ul;

import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.pdu.AssociateDecoder;
import org.dimse4j.pdu.AssociateEncoder;
import org.dimse4j.pdu.AssociatePdu;
import org.dimse4j.pdu.AssociatePdu.PresentationContext;
import org.dimse4j.pdu.AssociatePdu.RoleSelection;
import org.dimse4j.pdu.AssociatePdu.UserIdentity;
import org.dimse4j.pdu.ItemDescriptor;
import org.dimse4j.pdu.PduDescriptor;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class AcceptorPolicyTest
{
    private static final String VERIFICATION = "1.2.840.10008.1.1";
    private static final String CT = "1.2.840.10008.5.1.4.1.1.2";
    private static final String MR = "1.2.840.10008.5.1.4.1.1.4";
    private static final String IVLE = "1.2.840.10008.1.2";
    private static final String EVLE = "1.2.840.10008.1.2.1";
    private static final String JPEG = "1.2.840.10008.1.2.4.50";

    private final AssociatePdu ac = new AssociatePdu();

    private static AssociatePdu request()
    {
        return new AssociatePdu().pduType(PduDescriptor.A_ASSOCIATE_RQ).calledAeTitle("SCP").callingAeTitle("SCU")
            .maxLength(32768).implementationClassUid("1.2.3");
    }

    private static AcceptorPolicy policy()
    {
        return new AcceptorPolicy().aeTitle("SCP").maxPduLength(16384)
            .accept(VERIFICATION, List.of(IVLE))
            .accept(CT, List.of(EVLE, IVLE));
    }

    @Test
    void shouldAnswerEveryContextWithItsResultCode()
    {
        final AssociatePdu rq = request();
        rq.presentationContexts().add(PresentationContext.proposed(1, VERIFICATION, IVLE));
        rq.presentationContexts().add(PresentationContext.proposed(3, CT, IVLE, EVLE));
        rq.presentationContexts().add(PresentationContext.proposed(5, MR, IVLE));
        rq.presentationContexts().add(PresentationContext.proposed(7, CT, JPEG));
        rq.presentationContexts().add(PresentationContext.proposed(8, CT, IVLE));

        assertEquals(0, policy().negotiate(rq, ac));

        assertEquals(PduDescriptor.A_ASSOCIATE_AC, ac.pduType());
        assertEquals(PresentationContext.result(1, PresentationContext.ACCEPTANCE, IVLE), ac.presentationContext(1));
        // our preference (Explicit first) wins over the order proposed
        assertEquals(PresentationContext.result(3, PresentationContext.ACCEPTANCE, EVLE), ac.presentationContext(3));
        assertEquals(PresentationContext.ABSTRACT_SYNTAX_NOT_SUPPORTED, ac.presentationContext(5).result());
        assertEquals(PresentationContext.TRANSFER_SYNTAXES_NOT_SUPPORTED, ac.presentationContext(7).result());
        assertEquals(PresentationContext.NO_REASON, ac.presentationContext(8).result(), "even context ID");
        assertEquals(16384, ac.maxLength());
        assertEquals(Implementation.CLASS_UID, ac.implementationClassUid());
        assertEquals(Implementation.VERSION_NAME, ac.implementationVersionName());
        assertEquals("SCP", ac.calledAeTitle());
        assertEquals("SCU", ac.callingAeTitle());
        assertFalse(ac.hasAsyncOperationsWindow(), "no 0x53 in the AC when the RQ had none");
        assertTrue(ac.roleSelections().isEmpty(), "no 0x54 in the AC when the RQ had none");
    }

    @Test
    void shouldAcceptUnknownAbstractSyntaxWhenPromiscuous()
    {
        final AssociatePdu rq = request();
        rq.presentationContexts().add(PresentationContext.proposed(1, MR, JPEG, IVLE));
        assertEquals(0, policy().promiscuous(true, List.of(IVLE)).negotiate(rq, ac));
        assertEquals(PresentationContext.result(1, PresentationContext.ACCEPTANCE, IVLE), ac.presentationContext(1));
    }

    @Test
    void shouldRejectWithTheStandardsReasons()
    {
        final AssociatePdu rq = request();
        rq.presentationContexts().add(PresentationContext.proposed(1, VERIFICATION, IVLE));

        assertEquals(AcceptorPolicy.reject(1, 1, 2),
            policy().negotiate(request().applicationContextName("1.2.3.4"), ac), "application context");
        rq.calledAeTitle("OTHER");
        assertEquals(AcceptorPolicy.reject(1, 1, 7), policy().requireCalledAeTitle(true).negotiate(rq, ac));
        assertEquals(0, policy().negotiate(rq, ac), "called AE title not checked by default");
        rq.calledAeTitle("SCP");
        assertEquals(AcceptorPolicy.reject(1, 1, 3),
            policy().allowedCallingAeTitles(Set.of("MODALITY")).negotiate(rq, ac));
        assertEquals(0, policy().allowedCallingAeTitles(Set.of("SCU")).negotiate(rq, ac));
    }

    @Test
    void shouldVerifyUserIdentityOfEveryType()
    {
        final byte[] serverResponse = "ticket".getBytes(StandardCharsets.US_ASCII);
        final AcceptorPolicy policy = policy().userIdentityVerifier((calling, identity) ->
            Arrays.equals(identity.primaryField(), "good".getBytes(StandardCharsets.US_ASCII)) ?
            (identity.type() >= UserIdentity.KERBEROS ? serverResponse : new byte[0]) : null);
        for (int type = UserIdentity.USERNAME; type <= UserIdentity.JWT; type++)
        {
            final byte[] secondary = type == UserIdentity.USERNAME_AND_PASSCODE ?
                "secret".getBytes(StandardCharsets.US_ASCII) : new byte[0];
            final AssociatePdu good = request().userIdentity(
                new UserIdentity(type, true, "good".getBytes(StandardCharsets.US_ASCII), secondary));
            good.presentationContexts().add(PresentationContext.proposed(1, VERIFICATION, IVLE));
            assertEquals(0, policy.negotiate(good, ac), "type " + type);
            assertArrayEquals(type >= UserIdentity.KERBEROS ? serverResponse : new byte[0],
                ac.userIdentityServerResponse(), "0x59 answers a positive-response request, type " + type);

            final AssociatePdu noResponse = request().userIdentity(
                new UserIdentity(type, false, "good".getBytes(StandardCharsets.US_ASCII), secondary));
            noResponse.presentationContexts().add(PresentationContext.proposed(1, VERIFICATION, IVLE));
            assertEquals(0, policy.negotiate(noResponse, ac));
            assertNull(ac.userIdentityServerResponse(), "no 0x59 unless asked, type " + type);

            final AssociatePdu bad = request().userIdentity(
                new UserIdentity(type, true, "bad".getBytes(StandardCharsets.US_ASCII), secondary));
            bad.presentationContexts().add(PresentationContext.proposed(1, VERIFICATION, IVLE));
            assertEquals(AcceptorPolicy.reject(1, 2, 1), policy.negotiate(bad, ac), "PS3.7 D.3.3.7.3, type " + type);
        }
    }

    @Test
    void shouldNegotiateRolesPerAcceptedSopClass()
    {
        final AssociatePdu rq = request();
        rq.presentationContexts().add(PresentationContext.proposed(1, CT, IVLE));
        rq.presentationContexts().add(PresentationContext.proposed(3, MR, IVLE));
        rq.roleSelections().add(new RoleSelection(CT, true, true));
        rq.roleSelections().add(new RoleSelection(MR, true, true));

        assertEquals(0, policy().negotiate(rq, ac));
        assertEquals(List.of(new RoleSelection(CT, true, false)), ac.roleSelections(),
            "SCP role for the requestor needs acceptScuRole; MR was not accepted so gets no item");

        assertEquals(0, policy().acceptScuRole(CT).negotiate(rq, ac));
        assertEquals(List.of(new RoleSelection(CT, true, true)), ac.roleSelections());

        rq.roleSelections().set(0, new RoleSelection(CT, false, true));
        assertEquals(0, policy().acceptScuRole(CT).negotiate(rq, ac));
        assertEquals(List.of(new RoleSelection(CT, false, true)), ac.roleSelections(),
            "never accept a role that was not proposed");
    }

    @Test
    void shouldAnswerAsyncWindowWithTheSmallerValues()
    {
        final AssociatePdu rq = request().asyncOperationsWindow(0, 5);
        rq.presentationContexts().add(PresentationContext.proposed(1, VERIFICATION, IVLE));
        assertEquals(0, policy().asyncOperationsWindow(1, 16).negotiate(rq, ac));
        assertTrue(ac.hasAsyncOperationsWindow());
        assertEquals(16, ac.maxOperationsInvoked(), "unlimited proposed, our limit of 16 performed");
        assertEquals(1, ac.maxOperationsPerformed(), "5 proposed, we invoke at most 1");

        rq.asyncOperationsWindow(8, 0);
        assertEquals(0, policy().asyncOperationsWindow(0, 0).negotiate(rq, ac));
        assertEquals(8, ac.maxOperationsInvoked());
        assertEquals(0, ac.maxOperationsPerformed());
    }

    @Test
    void shouldAnswerOneRoleSelectionPerSopClassSoTheAcAlwaysEncodes()
    {
        // found by AssociateNegotiationFuzzTest: a User Information item of repeated role selections, echoed one
        // for one, no longer fitted 65535 bytes once the AC added its Implementation Class UID and Version Name
        final AssociatePdu rq = request().implementationClassUid(null);
        rq.presentationContexts().add(PresentationContext.proposed(1, VERIFICATION, IVLE));
        final int repeats = (ItemDescriptor.MAX_ITEM_LENGTH - 8) / (8 + VERIFICATION.length());
        for (int i = 0; i < repeats; i++)
        {
            rq.roleSelections().add(new RoleSelection(VERIFICATION, true, i % 2 == 0));
        }
        final UnsafeBuffer wire = new UnsafeBuffer(new byte[AssociateEncoder.encodedLength(rq)]);
        final int rqLength = new AssociateEncoder().encode(rq, wire, 0);
        final AssociatePdu received = new AssociateDecoder().decode(wire, 0, rqLength, new AssociatePdu());
        assertEquals(repeats, received.roleSelections().size(), "the RQ carries every repeat");

        assertEquals(0, policy().negotiate(received, ac));
        final UnsafeBuffer out = new UnsafeBuffer(new byte[AssociateEncoder.encodedLength(ac)]);
        final int acLength = new AssociateEncoder().encode(ac, out, 0);
        assertEquals(List.of(new RoleSelection(VERIFICATION, true, false)),
            new AssociateDecoder().decode(out, 0, acLength, new AssociatePdu()).roleSelections(),
            "only the first item for the SOP class is answered");
    }

    @Test
    void shouldLeaveRoleSelectionsUnansweredThatWouldNotFitTheAc()
    {
        // distinct SOP classes, all accepted (promiscuous): the AC's own Implementation Class UID and Version Name
        // leave no room to answer the last of them
        final AssociatePdu rq = request().implementationClassUid(null);
        int userInformation = 8;
        final List<String> sopClasses = new java.util.ArrayList<>();
        for (int i = 1; userInformation + 8 + ("1.2.3." + i).length() <= ItemDescriptor.MAX_ITEM_LENGTH; i++)
        {
            final String uid = "1.2.3." + i;
            sopClasses.add(uid);
            rq.roleSelections().add(new RoleSelection(uid, true, false));
            userInformation += 8 + uid.length();
        }
        for (int i = 0; i < sopClasses.size(); i++)
        {
            rq.presentationContexts().add(PresentationContext.proposed(1 + 2 * (i % 128), sopClasses.get(i), IVLE));
        }
        final UnsafeBuffer wire = new UnsafeBuffer(new byte[AssociateEncoder.encodedLength(rq)]);
        final int rqLength = new AssociateEncoder().encode(rq, wire, 0);
        final AssociatePdu received = new AssociateDecoder().decode(wire, 0, rqLength, new AssociatePdu());

        assertEquals(0, policy().promiscuous(true, List.of(IVLE)).negotiate(received, ac));
        assertTrue(AssociateEncoder.userInformationLength(ac) <= ItemDescriptor.MAX_ITEM_LENGTH);
        final int answered = ac.roleSelections().size();
        assertTrue(answered > 0 && answered < sopClasses.size(), answered + " of " + sopClasses.size() + " answered");
        assertEquals(rq.roleSelections().subList(0, answered), ac.roleSelections(), "the first ones, in order");
        final UnsafeBuffer out = new UnsafeBuffer(new byte[AssociateEncoder.encodedLength(ac)]);
        final int acLength = new AssociateEncoder().encode(ac, out, 0);
        assertEquals(answered, new AssociateDecoder().decode(out, 0, acLength, new AssociatePdu()).roleSelections()
            .size());
    }
}
