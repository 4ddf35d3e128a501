package org.dimse4j.data;

import java.math.BigInteger;
import java.util.UUID;

/**
 * Makes and checks UIDs (PS3.5 §9).
 */
public final class Uids
{
    private static final int MAX_LENGTH = 64;

    private Uids()
    {
    }

    /**
     * @return a new UID under the 2.25 root, from a random UUID (PS3.5 Annex B.2).
     */
    public static String random()
    {
        final UUID uuid = UUID.randomUUID();
        final BigInteger high = BigInteger.valueOf(uuid.getMostSignificantBits()).and(BigInteger.ONE.shiftLeft(64)
            .subtract(BigInteger.ONE));
        final BigInteger low = BigInteger.valueOf(uuid.getLeastSignificantBits()).and(BigInteger.ONE.shiftLeft(64)
            .subtract(BigInteger.ONE));
        return "2.25." + high.shiftLeft(64).or(low);
    }

    /**
     * @param uid a string.
     * @return true if it is a well-formed UID: 1 to 64 characters, components of digits separated by single dots,
     *         none with a leading zero unless it is "0".
     */
    public static boolean isValid(final String uid)
    {
        if (uid == null || uid.isEmpty() || uid.length() > MAX_LENGTH)
        {
            return false;
        }
        int componentStart = 0;
        for (int i = 0; i <= uid.length(); i++)
        {
            final char c = i == uid.length() ? '.' : uid.charAt(i);
            if (c == '.')
            {
                final int length = i - componentStart;
                if (length == 0 || (length > 1 && uid.charAt(componentStart) == '0'))
                {
                    return false;
                }
                componentStart = i + 1;
            }
            else if (c < '0' || c > '9')
            {
                return false;
            }
        }
        return true;
    }
}
