package org.dimse4j.ae;

import org.dimse4j.data.TransferSyntax;

import java.util.List;

/**
 * A presentation context an SCU proposes: an abstract syntax, transfer syntaxes, and optionally the roles it
 * proposes for itself (an SCP/SCU Role Selection sub-item).
 *
 * @param abstractSyntax   SOP class UID.
 * @param transferSyntaxes transfer syntax UIDs, preferred first.
 * @param scuRole          proposed SCU role, or null to send no role selection item.
 * @param scpRole          proposed SCP role (ignored when {@code scuRole} is null).
 */
public record ContextRequest(String abstractSyntax, List<String> transferSyntaxes, Boolean scuRole, boolean scpRole)
{
    /**
     * @param abstractSyntax SOP class UID.
     * @return a context with the uncompressed transfer syntaxes.
     */
    public static ContextRequest of(final String abstractSyntax)
    {
        return new ContextRequest(abstractSyntax, TransferSyntax.UNCOMPRESSED, null, false);
    }

    /**
     * @param abstractSyntax   SOP class UID.
     * @param transferSyntaxes transfer syntaxes, preferred first.
     * @return a context with those transfer syntaxes.
     */
    public static ContextRequest of(final String abstractSyntax, final List<String> transferSyntaxes)
    {
        return new ContextRequest(abstractSyntax, List.copyOf(transferSyntaxes), null, false);
    }

    /**
     * A storage context for receiving the C-STORE sub-operations of a C-GET: proposes the SCP role only (SCU = 0,
     * SCP = 1 in the SCP/SCU Role Selection item), as DCMTK's getscu does.
     *
     * @param storageSopClass  a storage SOP class UID.
     * @param transferSyntaxes transfer syntaxes, preferred first.
     * @return the context.
     */
    public static ContextRequest retrieveStorage(final String storageSopClass, final List<String> transferSyntaxes)
    {
        return new ContextRequest(storageSopClass, List.copyOf(transferSyntaxes), Boolean.FALSE, true);
    }
}
