package org.dimse4j.pdu;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The contents of an A-ASSOCIATE-RQ or A-ASSOCIATE-AC PDU: the A-ASSOCIATE primitive's parameters as they travel
 * (PS3.8 §9.3.2–9.3.3, PS3.7 Annex D).
 * <p>
 * Association set-up is control plane: this model is a plain mutable object with lists, filled by
 * {@link AssociateDecoder} and written by {@link AssociateEncoder}. AE titles are kept trimmed; UIDs are kept
 * without padding. An absent optional sub-item is {@code null} (or an empty list, or -1 for the window).
 */
public final class AssociatePdu
{
    /** The only DICOM application context name (PS3.7 Annex A). */
    public static final String DICOM_APPLICATION_CONTEXT = "1.2.840.10008.3.1.1.1";

    private int pduType = PduDescriptor.A_ASSOCIATE_RQ;
    private int protocolVersion = PduDescriptor.PROTOCOL_VERSION;
    private String calledAeTitle = "";
    private String callingAeTitle = "";
    private String applicationContextName = DICOM_APPLICATION_CONTEXT;
    private final List<PresentationContext> presentationContexts = new ArrayList<>();
    private long maxLength;
    private String implementationClassUid;
    private String implementationVersionName;
    private int maxOperationsInvoked = -1;
    private int maxOperationsPerformed = -1;
    private final List<RoleSelection> roleSelections = new ArrayList<>();
    private final List<ExtendedNegotiation> extendedNegotiations = new ArrayList<>();
    private final List<CommonExtendedNegotiation> commonExtendedNegotiations = new ArrayList<>();
    private UserIdentity userIdentity;
    private byte[] userIdentityServerResponse;

    /** @return {@link PduDescriptor#A_ASSOCIATE_RQ} or {@link PduDescriptor#A_ASSOCIATE_AC}. */
    public int pduType()
    {
        return pduType;
    }

    /**
     * @param pduType {@link PduDescriptor#A_ASSOCIATE_RQ} or {@link PduDescriptor#A_ASSOCIATE_AC}.
     * @return this.
     */
    public AssociatePdu pduType(final int pduType)
    {
        if (pduType != PduDescriptor.A_ASSOCIATE_RQ && pduType != PduDescriptor.A_ASSOCIATE_AC)
        {
            throw new IllegalArgumentException("not an A-ASSOCIATE-RQ/AC type: " + pduType);
        }
        this.pduType = pduType;
        return this;
    }

    /** @return true for an A-ASSOCIATE-RQ. */
    public boolean isRequest()
    {
        return pduType == PduDescriptor.A_ASSOCIATE_RQ;
    }

    /** @return the protocol version field (bit 0 = version 1). */
    public int protocolVersion()
    {
        return protocolVersion;
    }

    /**
     * @param protocolVersion the protocol version field.
     * @return this.
     */
    public AssociatePdu protocolVersion(final int protocolVersion)
    {
        this.protocolVersion = protocolVersion;
        return this;
    }

    /** @return the called AE title, trimmed. In an AC this is the echo of the RQ's value. */
    public String calledAeTitle()
    {
        return calledAeTitle;
    }

    /**
     * @param aeTitle the called AE title (1-16 characters).
     * @return this.
     */
    public AssociatePdu calledAeTitle(final String aeTitle)
    {
        this.calledAeTitle = Objects.requireNonNull(aeTitle, "calledAeTitle");
        return this;
    }

    /** @return the calling AE title, trimmed. In an AC this is the echo of the RQ's value. */
    public String callingAeTitle()
    {
        return callingAeTitle;
    }

    /**
     * @param aeTitle the calling AE title (1-16 characters).
     * @return this.
     */
    public AssociatePdu callingAeTitle(final String aeTitle)
    {
        this.callingAeTitle = Objects.requireNonNull(aeTitle, "callingAeTitle");
        return this;
    }

    /** @return the application context name. */
    public String applicationContextName()
    {
        return applicationContextName;
    }

    /**
     * @param name the application context name.
     * @return this.
     */
    public AssociatePdu applicationContextName(final String name)
    {
        this.applicationContextName = name;
        return this;
    }

    /** @return the presentation context items, in PDU order (mutable). */
    public List<PresentationContext> presentationContexts()
    {
        return presentationContexts;
    }

    /**
     * @param id a presentation context ID.
     * @return the context with that ID, or null.
     */
    public PresentationContext presentationContext(final int id)
    {
        for (final PresentationContext pc : presentationContexts)
        {
            if (pc.id() == id)
            {
                return pc;
            }
        }
        return null;
    }

    /** @return the Maximum Length sub-item value: the largest P-DATA-TF PDU-length the sender receives; 0 = no limit. */
    public long maxLength()
    {
        return maxLength;
    }

    /**
     * @param maxLength 0 (no limit) to 2^32-1.
     * @return this.
     */
    public AssociatePdu maxLength(final long maxLength)
    {
        if (maxLength < 0 || maxLength > 0xFFFF_FFFFL)
        {
            throw new IllegalArgumentException("maximum length out of range: " + maxLength);
        }
        this.maxLength = maxLength;
        return this;
    }

    /** @return the Implementation Class UID, or null when the peer left it out. */
    public String implementationClassUid()
    {
        return implementationClassUid;
    }

    /**
     * @param uid the Implementation Class UID.
     * @return this.
     */
    public AssociatePdu implementationClassUid(final String uid)
    {
        this.implementationClassUid = uid;
        return this;
    }

    /** @return the Implementation Version Name, or null. */
    public String implementationVersionName()
    {
        return implementationVersionName;
    }

    /**
     * @param name 1-16 characters, or null to leave the sub-item out.
     * @return this.
     */
    public AssociatePdu implementationVersionName(final String name)
    {
        this.implementationVersionName = name;
        return this;
    }

    /** @return true if the Asynchronous Operations Window sub-item is present. */
    public boolean hasAsyncOperationsWindow()
    {
        return maxOperationsInvoked >= 0;
    }

    /** @return maximum number of operations invoked (0 = unlimited); 1 when the sub-item is absent. */
    public int maxOperationsInvoked()
    {
        return maxOperationsInvoked < 0 ? 1 : maxOperationsInvoked;
    }

    /** @return maximum number of operations performed (0 = unlimited); 1 when the sub-item is absent. */
    public int maxOperationsPerformed()
    {
        return maxOperationsPerformed < 0 ? 1 : maxOperationsPerformed;
    }

    /**
     * @param invoked   maximum number of operations invoked, 0..65535 (0 = unlimited).
     * @param performed maximum number of operations performed, 0..65535 (0 = unlimited).
     * @return this.
     */
    public AssociatePdu asyncOperationsWindow(final int invoked, final int performed)
    {
        if (invoked < 0 || invoked > 0xFFFF || performed < 0 || performed > 0xFFFF)
        {
            throw new IllegalArgumentException("asynchronous operations window out of range: " + invoked + "/" +
                performed);
        }
        this.maxOperationsInvoked = invoked;
        this.maxOperationsPerformed = performed;
        return this;
    }

    /**
     * Leaves the Asynchronous Operations Window sub-item out.
     *
     * @return this.
     */
    public AssociatePdu clearAsyncOperationsWindow()
    {
        this.maxOperationsInvoked = -1;
        this.maxOperationsPerformed = -1;
        return this;
    }

    /** @return the SCP/SCU Role Selection sub-items (mutable). */
    public List<RoleSelection> roleSelections()
    {
        return roleSelections;
    }

    /**
     * @param sopClassUid a SOP class UID.
     * @return its role selection sub-item, or null.
     */
    public RoleSelection roleSelection(final String sopClassUid)
    {
        for (final RoleSelection rs : roleSelections)
        {
            if (rs.sopClassUid().equals(sopClassUid))
            {
                return rs;
            }
        }
        return null;
    }

    /** @return the SOP Class Extended Negotiation sub-items (mutable). */
    public List<ExtendedNegotiation> extendedNegotiations()
    {
        return extendedNegotiations;
    }

    /** @return the SOP Class Common Extended Negotiation sub-items (mutable; RQ only). */
    public List<CommonExtendedNegotiation> commonExtendedNegotiations()
    {
        return commonExtendedNegotiations;
    }

    /** @return the User Identity sub-item of an RQ, or null. */
    public UserIdentity userIdentity()
    {
        return userIdentity;
    }

    /**
     * @param identity the user identity to send in an RQ, or null.
     * @return this.
     */
    public AssociatePdu userIdentity(final UserIdentity identity)
    {
        this.userIdentity = identity;
        return this;
    }

    /** @return the server response of an AC's User Identity sub-item (may be empty), or null when absent. */
    public byte[] userIdentityServerResponse()
    {
        return userIdentityServerResponse;
    }

    /**
     * @param response the server response for the AC's 0x59 sub-item (empty for types 1 and 2), or null to omit.
     * @return this.
     */
    public AssociatePdu userIdentityServerResponse(final byte[] response)
    {
        this.userIdentityServerResponse = response;
        return this;
    }

    /**
     * Empties this model for reuse.
     *
     * @return this.
     */
    public AssociatePdu clear()
    {
        pduType = PduDescriptor.A_ASSOCIATE_RQ;
        protocolVersion = PduDescriptor.PROTOCOL_VERSION;
        calledAeTitle = "";
        callingAeTitle = "";
        applicationContextName = DICOM_APPLICATION_CONTEXT;
        presentationContexts.clear();
        maxLength = 0;
        implementationClassUid = null;
        implementationVersionName = null;
        clearAsyncOperationsWindow();
        roleSelections.clear();
        extendedNegotiations.clear();
        commonExtendedNegotiations.clear();
        userIdentity = null;
        userIdentityServerResponse = null;
        return this;
    }

    /** {@inheritDoc} */
    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder(256);
        sb.append(PduDescriptor.name(pduType)).append(" called=").append(calledAeTitle)
            .append(" calling=").append(callingAeTitle).append(" maxLength=").append(maxLength)
            .append(" implementation=").append(implementationClassUid);
        if (implementationVersionName != null)
        {
            sb.append(' ').append(implementationVersionName);
        }
        if (hasAsyncOperationsWindow())
        {
            sb.append(" window=").append(maxOperationsInvoked).append('/').append(maxOperationsPerformed);
        }
        for (final PresentationContext pc : presentationContexts)
        {
            sb.append("\n  ").append(pc);
        }
        for (final RoleSelection rs : roleSelections)
        {
            sb.append("\n  ").append(rs);
        }
        if (userIdentity != null)
        {
            sb.append("\n  ").append(userIdentity);
        }
        return sb.toString();
    }

    /**
     * A presentation context: in an RQ an abstract syntax with its proposed transfer syntaxes; in an AC a result
     * with the one accepted transfer syntax.
     */
    public static final class PresentationContext
    {
        /** Result: acceptance. */
        public static final int ACCEPTANCE = 0;
        /** Result: user-rejection. */
        public static final int USER_REJECTION = 1;
        /** Result: no-reason (provider rejection). */
        public static final int NO_REASON = 2;
        /** Result: abstract-syntax-not-supported (provider rejection). */
        public static final int ABSTRACT_SYNTAX_NOT_SUPPORTED = 3;
        /** Result: transfer-syntaxes-not-supported (provider rejection). */
        public static final int TRANSFER_SYNTAXES_NOT_SUPPORTED = 4;

        private final int id;
        private final String abstractSyntax;
        private final List<String> transferSyntaxes;
        private final int result;

        /**
         * @param id               odd, 1..255.
         * @param abstractSyntax   SOP class UID (RQ), or null in an AC.
         * @param transferSyntaxes proposed (RQ) or the accepted one (AC).
         * @param result           result/reason (AC); {@link #ACCEPTANCE} in an RQ.
         */
        public PresentationContext(
            final int id, final String abstractSyntax, final List<String> transferSyntaxes, final int result)
        {
            this.id = id;
            this.abstractSyntax = abstractSyntax;
            this.transferSyntaxes = List.copyOf(transferSyntaxes);
            this.result = result;
        }

        /**
         * @param id               odd context ID, 1..255.
         * @param abstractSyntax   SOP class UID.
         * @param transferSyntaxes one or more transfer syntax UIDs.
         * @return a proposal for an A-ASSOCIATE-RQ.
         */
        public static PresentationContext proposed(
            final int id, final String abstractSyntax, final String... transferSyntaxes)
        {
            return new PresentationContext(id, abstractSyntax, List.of(transferSyntaxes), ACCEPTANCE);
        }

        /**
         * @param id             context ID echoed from the RQ.
         * @param result         result/reason.
         * @param transferSyntax the accepted transfer syntax (any proposed one when rejected).
         * @return a result for an A-ASSOCIATE-AC.
         */
        public static PresentationContext result(final int id, final int result, final String transferSyntax)
        {
            return new PresentationContext(id, null,
                transferSyntax == null ? List.of() : List.of(transferSyntax), result);
        }

        /** @return the presentation context ID. */
        public int id()
        {
            return id;
        }

        /** @return the abstract syntax (RQ), or null (AC). */
        public String abstractSyntax()
        {
            return abstractSyntax;
        }

        /** @return the transfer syntaxes (immutable). */
        public List<String> transferSyntaxes()
        {
            return transferSyntaxes;
        }

        /** @return the first transfer syntax, or null; in an AC, the accepted one. */
        public String transferSyntax()
        {
            return transferSyntaxes.isEmpty() ? null : transferSyntaxes.get(0);
        }

        /** @return the result/reason. */
        public int result()
        {
            return result;
        }

        /** @return true if the result is acceptance. */
        public boolean isAccepted()
        {
            return result == ACCEPTANCE;
        }

        /**
         * @param result a result/reason value.
         * @return the standard's words for it.
         */
        public static String describeResult(final int result)
        {
            switch (result)
            {
                case ACCEPTANCE: return "acceptance";
                case USER_REJECTION: return "user-rejection";
                case NO_REASON: return "no-reason (provider rejection)";
                case ABSTRACT_SYNTAX_NOT_SUPPORTED: return "abstract-syntax-not-supported (provider rejection)";
                case TRANSFER_SYNTAXES_NOT_SUPPORTED: return "transfer-syntaxes-not-supported (provider rejection)";
                default: return "result " + result;
            }
        }

        /** {@inheritDoc} */
        @Override
        public boolean equals(final Object o)
        {
            if (!(o instanceof PresentationContext))
            {
                return false;
            }
            final PresentationContext that = (PresentationContext)o;
            return id == that.id && result == that.result && Objects.equals(abstractSyntax, that.abstractSyntax) &&
                transferSyntaxes.equals(that.transferSyntaxes);
        }

        /** {@inheritDoc} */
        @Override
        public int hashCode()
        {
            return Objects.hash(id, abstractSyntax, transferSyntaxes, result);
        }

        /** {@inheritDoc} */
        @Override
        public String toString()
        {
            return abstractSyntax != null ?
                "context " + id + " " + abstractSyntax + " " + transferSyntaxes :
                "context " + id + " " + describeResult(result) + " " + transferSyntaxes;
        }
    }

    /**
     * An SCP/SCU Role Selection sub-item: in an RQ the roles the requestor proposes for itself; in an AC whether
     * the acceptor accepts each.
     *
     * @param sopClassUid SOP class UID.
     * @param scu         SCU role byte as a flag.
     * @param scp         SCP role byte as a flag.
     */
    public record RoleSelection(String sopClassUid, boolean scu, boolean scp)
    {
    }

    /**
     * A SOP Class Extended Negotiation sub-item.
     *
     * @param sopClassUid SOP class UID.
     * @param info        service-class application information (opaque bytes).
     */
    public record ExtendedNegotiation(String sopClassUid, byte[] info)
    {
        /** {@inheritDoc} */
        @Override
        public boolean equals(final Object o)
        {
            return o instanceof ExtendedNegotiation && sopClassUid.equals(((ExtendedNegotiation)o).sopClassUid) &&
                java.util.Arrays.equals(info, ((ExtendedNegotiation)o).info);
        }

        /** {@inheritDoc} */
        @Override
        public int hashCode()
        {
            return sopClassUid.hashCode() * 31 + java.util.Arrays.hashCode(info);
        }

        /** {@inheritDoc} */
        @Override
        public String toString()
        {
            return "ExtendedNegotiation[" + sopClassUid + ", " + info.length + " bytes]";
        }
    }

    /**
     * A SOP Class Common Extended Negotiation sub-item (RQ only).
     *
     * @param sopClassUid               SOP class UID.
     * @param serviceClassUid           service class UID.
     * @param relatedGeneralSopClasses related general SOP class UIDs (may be empty).
     */
    public record CommonExtendedNegotiation(
        String sopClassUid, String serviceClassUid, List<String> relatedGeneralSopClasses)
    {
        /**
         * Copies the list.
         *
         * @param sopClassUid               SOP class UID.
         * @param serviceClassUid           service class UID.
         * @param relatedGeneralSopClasses related general SOP class UIDs.
         */
        public CommonExtendedNegotiation
        {
            relatedGeneralSopClasses = List.copyOf(relatedGeneralSopClasses);
        }
    }

    /**
     * A User Identity Negotiation sub-item of an RQ (PS3.7 D.3.3.7).
     *
     * @param type                      1 username, 2 username and passcode, 3 Kerberos, 4 SAML, 5 JWT.
     * @param positiveResponseRequested whether the requestor asks for a 0x59 answer.
     * @param primaryField              username, ticket, assertion or token bytes.
     * @param secondaryField            passcode bytes for type 2, empty otherwise.
     */
    public record UserIdentity(int type, boolean positiveResponseRequested, byte[] primaryField,
        byte[] secondaryField)
    {
        /** Type 1: username. */
        public static final int USERNAME = 1;
        /** Type 2: username and passcode. */
        public static final int USERNAME_AND_PASSCODE = 2;
        /** Type 3: Kerberos service ticket. */
        public static final int KERBEROS = 3;
        /** Type 4: SAML assertion. */
        public static final int SAML = 4;
        /** Type 5: JSON Web Token. */
        public static final int JWT = 5;

        /** {@inheritDoc} */
        @Override
        public boolean equals(final Object o)
        {
            if (!(o instanceof UserIdentity))
            {
                return false;
            }
            final UserIdentity that = (UserIdentity)o;
            return type == that.type && positiveResponseRequested == that.positiveResponseRequested &&
                java.util.Arrays.equals(primaryField, that.primaryField) &&
                java.util.Arrays.equals(secondaryField, that.secondaryField);
        }

        /** {@inheritDoc} */
        @Override
        public int hashCode()
        {
            return type * 31 + java.util.Arrays.hashCode(primaryField);
        }

        /** {@inheritDoc} The passcode is never printed. */
        @Override
        public String toString()
        {
            return "UserIdentity[type=" + type + ", positiveResponseRequested=" + positiveResponseRequested +
                ", primary=" + primaryField.length + " bytes, secondary=" + secondaryField.length + " bytes]";
        }
    }
}
