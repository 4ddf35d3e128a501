package org.dimse4j.ul;

import org.dimse4j.pdu.AssociatePdu;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;

/**
 * A {@link UserIdentityVerifier} for User Identity type 2, username and passcode (PS3.7 D.3.3.7): accepts a
 * requestor whose username is known and whose passcode matches, compared in constant time. Every other identity
 * type, an unknown user or a wrong passcode is refused, which {@link AcceptorPolicy} answers with A-ASSOCIATE-RJ
 * (1, 2, 1). Username-and-passcode identities carry no server response, so a positive response (0x59) is sent
 * empty when one was requested.
 */
public final class UsernamePasswordVerifier implements UserIdentityVerifier
{
    private static final byte[] NO_SERVER_RESPONSE = new byte[0];

    private final Map<String, byte[]> passwords = new HashMap<>();

    /**
     * @param passwords username to password (UTF-8 on the wire, as DCMTK and dcm4che send them).
     */
    public UsernamePasswordVerifier(final Map<String, String> passwords)
    {
        passwords.forEach((user, password) -> this.passwords.put(user, password.getBytes(StandardCharsets.UTF_8)));
    }

    /** {@inheritDoc} */
    @Override
    public byte[] verify(final String callingAeTitle, final AssociatePdu.UserIdentity identity)
    {
        if (identity.type() != AssociatePdu.UserIdentity.USERNAME_AND_PASSCODE)
        {
            return null;
        }
        final byte[] expected = passwords.get(new String(identity.primaryField(), StandardCharsets.UTF_8));
        if (expected == null)
        {
            return null;
        }
        return MessageDigest.isEqual(expected, identity.secondaryField()) ? NO_SERVER_RESPONSE : null;
    }
}
