package org.dimse4j.ul;

import org.dimse4j.pdu.AssociatePdu;

/**
 * Decides whether a requestor's User Identity (PS3.7 D.3.3.7) is acceptable.
 */
@FunctionalInterface
public interface UserIdentityVerifier
{
    /**
     * @param callingAeTitle the requestor's AE title.
     * @param identity       the identity it presented.
     * @return the server response to send when a positive response was requested (empty for username types),
     * or null to reject the association with A-ASSOCIATE-RJ (rejected-permanent, ACSE, no-reason-given).
     */
    byte[] verify(String callingAeTitle, AssociatePdu.UserIdentity identity);
}
