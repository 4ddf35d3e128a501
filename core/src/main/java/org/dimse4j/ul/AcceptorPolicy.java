package org.dimse4j.ul;

import org.dimse4j.pdu.AssociateEncoder;
import org.dimse4j.pdu.AssociatePdu;
import org.dimse4j.pdu.AssociatePdu.PresentationContext;
import org.dimse4j.pdu.AssociatePdu.RoleSelection;
import org.dimse4j.pdu.FixedPduCodec;
import org.dimse4j.pdu.ItemDescriptor;
import org.dimse4j.pdu.PduStrings;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an acceptor agrees to: the A-ASSOCIATE-RQ to A-ASSOCIATE-AC (or -RJ) half of association negotiation
 * (PS3.8 §7.1.1, PS3.7 Annex D).
 * <ul>
 *   <li>Application context other than DICOM's: reject (1, 1, 2).</li>
 *   <li>Called AE title other than ours (or one of those given callers of their own with
 *       {@link #allowedCallingAeTitles(String, Set)}), when required: reject (1, 1, 7). Calling AE title not listed,
 *       when a list is set for the called AE title (or, without one, for the AE): reject (1, 1, 3).</li>
 *   <li>User identity, when a verifier is set: reject (1, 2, 1) on failure (PS3.7 D.3.3.7.3), and also when none
 *       was presented but {@link #requireUserIdentity(boolean) one is required}; answer 0x59 only if a positive
 *       response was requested.</li>
 *   <li>More associations open from one calling AE title than {@link #maxAssociationsPerCallingAeTitle(int)}:
 *       reject (2, 3, 2), transient, presentation-related local-limit-exceeded, as the server-wide limit does. The
 *       count is kept from a successful {@link #negotiate} until {@link #released(String)}.</li>
 *   <li>Each presentation context: abstract syntax not supported (3), or no transfer syntax supported (4), or
 *       accepted with the first of our transfer syntaxes, in our order of preference, that the requestor offered.
 *       With {@link #promiscuous(boolean)} an unknown abstract syntax is accepted with our preferred transfer
 *       syntax among those offered.</li>
 *   <li>Role selection: the first item offered for each SOP class we accepted is answered (PS3.7 D.3.3.4 allows
 *       one per SOP class; repeats get no answer, nor do items past what fits the AC's User Information item); the
 *       requestor's SCU role is accepted where we act as SCP, its SCP role where we may act as SCU.</li>
 *   <li>Asynchronous operations window: answered only if offered, with the smaller of the two (0 = unlimited).</li>
 * </ul>
 * Built once, then read by every association (not modified afterwards).
 */
public final class AcceptorPolicy
{
    private String aeTitle = "ANY-SCP";
    private boolean requireCalledAeTitle;
    private Set<String> allowedCallingAeTitles = Set.of();
    private final Map<String, Set<String>> callersByCalledAeTitle = new java.util.HashMap<>();
    private boolean requireUserIdentity;
    private int maxPerCallingAeTitle;
    private final java.util.concurrent.ConcurrentHashMap<String, Integer> openPerCallingAeTitle =
        new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, List<String>> transferSyntaxes = new LinkedHashMap<>();
    private final Map<String, Boolean> scuRoles = new LinkedHashMap<>();
    private List<String> promiscuousTransferSyntaxes = List.of();
    private boolean promiscuous;
    private int maxOperationsInvoked = 1;
    private int maxOperationsPerformed = 16;
    private UserIdentityVerifier userIdentityVerifier;
    private int maxPduLength = AssociationSettings.DEFAULT_MAX_PDU_LENGTH;
    private String implementationClassUid = Implementation.CLASS_UID;
    private String implementationVersionName = Implementation.VERSION_NAME;

    /**
     * @param aeTitle our AE title.
     * @return this.
     */
    public AcceptorPolicy aeTitle(final String aeTitle)
    {
        this.aeTitle = PduStrings.checkAeTitle(aeTitle);
        return this;
    }

    /** @return our AE title. */
    public String aeTitle()
    {
        return aeTitle;
    }

    /**
     * @param require reject requests whose called AE title is not ours (DCMTK and pynetdicom accept any by default).
     * @return this.
     */
    public AcceptorPolicy requireCalledAeTitle(final boolean require)
    {
        this.requireCalledAeTitle = require;
        return this;
    }

    /**
     * @param aeTitles calling AE titles allowed; empty = any.
     * @return this.
     */
    public AcceptorPolicy allowedCallingAeTitles(final Set<String> aeTitles)
    {
        this.allowedCallingAeTitles = Set.copyOf(aeTitles);
        return this;
    }

    /**
     * Serves another called AE title (or ours) with its own list of allowed calling AE titles, as an archive that
     * answers to several titles, each for its own modalities. A called title given here counts as ours for
     * {@link #requireCalledAeTitle(boolean)}.
     *
     * @param calledAeTitle the called AE title.
     * @param callers       calling AE titles allowed to reach it; empty = any.
     * @return this.
     */
    public AcceptorPolicy allowedCallingAeTitles(final String calledAeTitle, final Set<String> callers)
    {
        callersByCalledAeTitle.put(PduStrings.checkAeTitle(calledAeTitle), Set.copyOf(callers));
        return this;
    }

    /**
     * @param require with a {@link #userIdentityVerifier(UserIdentityVerifier) verifier} set, also reject a request
     *                that presents no User Identity (1, 2, 1); default false (unverified requestors are accepted).
     * @return this.
     */
    public AcceptorPolicy requireUserIdentity(final boolean require)
    {
        this.requireUserIdentity = require;
        return this;
    }

    /**
     * @param max the most associations accepted at once from one calling AE title (further ones are rejected
     *            transient, local-limit-exceeded); 0 = no limit.
     * @return this.
     */
    public AcceptorPolicy maxAssociationsPerCallingAeTitle(final int max)
    {
        if (max < 0)
        {
            throw new IllegalArgumentException("the limit per calling AE title must not be negative: " + max);
        }
        this.maxPerCallingAeTitle = max;
        return this;
    }

    /**
     * Tells the policy that an association it accepted ({@link #negotiate} returned 0) has ended, freeing its place
     * under {@link #maxAssociationsPerCallingAeTitle(int)}. Called by the association when it closes.
     *
     * @param callingAeTitle the requestor's AE title as it was negotiated.
     */
    public void released(final String callingAeTitle)
    {
        if (maxPerCallingAeTitle > 0)
        {
            openPerCallingAeTitle.computeIfPresent(callingAeTitle, (title, open) -> open <= 1 ? null : open - 1);
        }
    }

    /**
     * @param callingAeTitle a calling AE title.
     * @return associations accepted from it and not yet released (counted only when a limit is set).
     */
    public int openAssociations(final String callingAeTitle)
    {
        return openPerCallingAeTitle.getOrDefault(callingAeTitle, 0);
    }

    /**
     * Accepts an abstract syntax with the given transfer syntaxes, the first preferred.
     *
     * @param abstractSyntax   SOP class UID.
     * @param transferSyntaxes transfer syntax UIDs in order of preference.
     * @return this.
     */
    public AcceptorPolicy accept(final String abstractSyntax, final List<String> transferSyntaxes)
    {
        if (transferSyntaxes.isEmpty())
        {
            throw new IllegalArgumentException("no transfer syntax given for " + abstractSyntax);
        }
        this.transferSyntaxes.put(abstractSyntax, List.copyOf(transferSyntaxes));
        return this;
    }

    /**
     * Lets us act as SCU for an abstract syntax when the requestor proposes the SCP role for itself (e.g. C-STORE
     * sub-operations of a C-GET).
     *
     * @param abstractSyntax SOP class UID.
     * @return this.
     */
    public AcceptorPolicy acceptScuRole(final String abstractSyntax)
    {
        scuRoles.put(abstractSyntax, Boolean.TRUE);
        return this;
    }

    /**
     * @param accept           accept any abstract syntax we do not know.
     * @param transferSyntaxes the transfer syntaxes to accept for them, in order of preference.
     * @return this.
     */
    public AcceptorPolicy promiscuous(final boolean accept, final List<String> transferSyntaxes)
    {
        this.promiscuous = accept;
        this.promiscuousTransferSyntaxes = List.copyOf(transferSyntaxes);
        return this;
    }

    /**
     * @param accept accept any abstract syntax, keeping the transfer syntaxes set before.
     * @return this.
     */
    public AcceptorPolicy promiscuous(final boolean accept)
    {
        this.promiscuous = accept;
        return this;
    }

    /**
     * @param invoked   how many operations we are willing to invoke on the requestor outstanding (0 = any).
     * @param performed how many outstanding operations we are willing to perform (0 = any).
     * @return this.
     */
    public AcceptorPolicy asyncOperationsWindow(final int invoked, final int performed)
    {
        this.maxOperationsInvoked = invoked;
        this.maxOperationsPerformed = performed;
        return this;
    }

    /**
     * @param verifier checks user identities; null ignores them (and accepts).
     * @return this.
     */
    public AcceptorPolicy userIdentityVerifier(final UserIdentityVerifier verifier)
    {
        this.userIdentityVerifier = verifier;
        return this;
    }

    /**
     * @param length the Maximum Length we announce.
     * @return this.
     */
    public AcceptorPolicy maxPduLength(final int length)
    {
        this.maxPduLength = length;
        return this;
    }

    /**
     * @param classUid    Implementation Class UID to announce.
     * @param versionName Implementation Version Name to announce, or null.
     * @return this.
     */
    public AcceptorPolicy implementation(final String classUid, final String versionName)
    {
        this.implementationClassUid = classUid;
        this.implementationVersionName = versionName;
        return this;
    }

    /** @return the abstract syntaxes accepted, each with its transfer syntaxes (read-only view). */
    public Map<String, List<String>> acceptedSyntaxes()
    {
        return java.util.Collections.unmodifiableMap(transferSyntaxes);
    }

    /**
     * Answers an A-ASSOCIATE-RQ.
     *
     * @param rq the request.
     * @param ac filled with the A-ASSOCIATE-AC when accepted.
     * @return 0 to accept, or a rejection packed by {@link #reject(int, int, int)}.
     */
    public int negotiate(final AssociatePdu rq, final AssociatePdu ac)
    {
        if (!AssociatePdu.DICOM_APPLICATION_CONTEXT.equals(rq.applicationContextName()))
        {
            return reject(FixedPduCodec.REJECTED_PERMANENT, FixedPduCodec.REJECT_SOURCE_SERVICE_USER,
                FixedPduCodec.REJECT_APPLICATION_CONTEXT_NOT_SUPPORTED);
        }
        final Set<String> callers = callersByCalledAeTitle.get(rq.calledAeTitle());
        if (requireCalledAeTitle && callers == null && !aeTitle.equals(rq.calledAeTitle()))
        {
            return reject(FixedPduCodec.REJECTED_PERMANENT, FixedPduCodec.REJECT_SOURCE_SERVICE_USER,
                FixedPduCodec.REJECT_CALLED_AE_NOT_RECOGNIZED);
        }
        final Set<String> allowed = callers != null ? callers : allowedCallingAeTitles;
        if (!allowed.isEmpty() && !allowed.contains(rq.callingAeTitle()))
        {
            return reject(FixedPduCodec.REJECTED_PERMANENT, FixedPduCodec.REJECT_SOURCE_SERVICE_USER,
                FixedPduCodec.REJECT_CALLING_AE_NOT_RECOGNIZED);
        }
        byte[] identityResponse = null;
        if (rq.userIdentity() == null && userIdentityVerifier != null && requireUserIdentity)
        {
            return reject(FixedPduCodec.REJECTED_PERMANENT, FixedPduCodec.REJECT_SOURCE_ACSE,
                FixedPduCodec.REJECT_NO_REASON);
        }
        if (rq.userIdentity() != null && userIdentityVerifier != null)
        {
            identityResponse = userIdentityVerifier.verify(rq.callingAeTitle(), rq.userIdentity());
            if (identityResponse == null)
            {
                return reject(FixedPduCodec.REJECTED_PERMANENT, FixedPduCodec.REJECT_SOURCE_ACSE,
                    FixedPduCodec.REJECT_NO_REASON);
            }
        }

        ac.clear().pduType(org.dimse4j.pdu.PduDescriptor.A_ASSOCIATE_AC)
            .calledAeTitle(rq.calledAeTitle())
            .callingAeTitle(rq.callingAeTitle())
            .maxLength(maxPduLength)
            .implementationClassUid(implementationClassUid)
            .implementationVersionName(implementationVersionName);
        if (identityResponse != null && rq.userIdentity().positiveResponseRequested())
        {
            ac.userIdentityServerResponse(identityResponse);
        }
        if (rq.hasAsyncOperationsWindow())
        {
            ac.asyncOperationsWindow(
                min(rq.maxOperationsInvoked(), maxOperationsPerformed),
                min(rq.maxOperationsPerformed(), maxOperationsInvoked));
        }
        for (final PresentationContext pc : rq.presentationContexts())
        {
            ac.presentationContexts().add(contextResult(pc));
        }
        // The AC adds sub-items the RQ may lack, so answering every role selection could push its User Information
        // item past 65535 bytes; one that does not fit is left unanswered (PS3.7 D.3.3.4: the default roles apply)
        int userInformation = AssociateEncoder.userInformationLength(ac);
        for (final RoleSelection rs : rq.roleSelections())
        {
            final int itemLength = ItemDescriptor.HEADER_LENGTH + 4 + rs.sopClassUid().length();
            if (userInformation + itemLength <= ItemDescriptor.MAX_ITEM_LENGTH &&
                !isAnswered(ac, rs.sopClassUid()) && isAccepted(ac, rq, rs.sopClassUid()))
            {
                final boolean scu = rs.scu();
                final boolean scp = rs.scp() && scuRoles.containsKey(rs.sopClassUid());
                ac.roleSelections().add(new RoleSelection(rs.sopClassUid(), scu, scp));
                userInformation += itemLength;
            }
        }
        // last, so that nothing can fail between counting the association and accepting it
        if (maxPerCallingAeTitle > 0 && !acquire(rq.callingAeTitle()))
        {
            return reject(FixedPduCodec.REJECTED_TRANSIENT, FixedPduCodec.REJECT_SOURCE_PRESENTATION,
                FixedPduCodec.REJECT_LOCAL_LIMIT_EXCEEDED);
        }
        return 0;
    }

    /** Counts one more association from a calling AE title unless that exceeds the limit; atomic per title. */
    private boolean acquire(final String callingAeTitle)
    {
        final boolean[] acquired = {false};
        openPerCallingAeTitle.compute(callingAeTitle, (title, open) ->
        {
            final int n = open == null ? 0 : open;
            if (n >= maxPerCallingAeTitle)
            {
                return open;
            }
            acquired[0] = true;
            return n + 1;
        });
        return acquired[0];
    }

    private PresentationContext contextResult(final PresentationContext pc)
    {
        List<String> ours = transferSyntaxes.get(pc.abstractSyntax());
        if (ours == null)
        {
            if (!promiscuous)
            {
                return PresentationContext.result(pc.id(), PresentationContext.ABSTRACT_SYNTAX_NOT_SUPPORTED,
                    pc.transferSyntax());
            }
            ours = promiscuousTransferSyntaxes.isEmpty() ? pc.transferSyntaxes() : promiscuousTransferSyntaxes;
        }
        if ((pc.id() & 1) == 0)
        {
            return PresentationContext.result(pc.id(), PresentationContext.NO_REASON, pc.transferSyntax());
        }
        for (final String ts : ours)
        {
            if (pc.transferSyntaxes().contains(ts))
            {
                return PresentationContext.result(pc.id(), PresentationContext.ACCEPTANCE, ts);
            }
        }
        return PresentationContext.result(pc.id(), PresentationContext.TRANSFER_SYNTAXES_NOT_SUPPORTED,
            pc.transferSyntax());
    }

    private static boolean isAnswered(final AssociatePdu ac, final String sopClassUid)
    {
        for (final RoleSelection answered : ac.roleSelections())
        {
            if (sopClassUid.equals(answered.sopClassUid()))
            {
                return true;
            }
        }
        return false;
    }

    private static boolean isAccepted(final AssociatePdu ac, final AssociatePdu rq, final String sopClassUid)
    {
        for (final PresentationContext pc : rq.presentationContexts())
        {
            if (sopClassUid.equals(pc.abstractSyntax()))
            {
                final PresentationContext result = ac.presentationContext(pc.id());
                if (result != null && result.isAccepted())
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static int min(final int a, final int b)
    {
        if (a == 0)
        {
            return b;
        }
        if (b == 0)
        {
            return a;
        }
        return Math.min(a, b);
    }

    /**
     * @param result A-ASSOCIATE-RJ result.
     * @param source A-ASSOCIATE-RJ source.
     * @param reason A-ASSOCIATE-RJ reason/diag.
     * @return the three packed in one positive int.
     */
    public static int reject(final int result, final int source, final int reason)
    {
        return (result << 16) | (source << 8) | reason;
    }
}
