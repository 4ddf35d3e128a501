package org.dimse4j.pdu;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * ASCII (ISO 646 G0) strings as they travel in PDUs: AE titles padded to 16 with spaces, UIDs without padding.
 * Receipt is lenient as DCMTK and dcm4che are: trailing NULs and spaces are trimmed.
 */
public final class PduStrings
{
    private PduStrings()
    {
    }

    /**
     * @param buffer holding the bytes.
     * @param offset of the first byte.
     * @param length field length.
     * @return the field as a String without leading and trailing spaces and NULs (allocates).
     */
    public static String trimmed(final DirectBuffer buffer, final int offset, final int length)
    {
        int from = offset;
        int to = offset + length;
        while (from < to && isPad(buffer.getByte(from)))
        {
            from++;
        }
        while (to > from && isPad(buffer.getByte(to - 1)))
        {
            to--;
        }
        final char[] chars = new char[to - from];
        for (int i = from; i < to; i++)
        {
            chars[i - from] = (char)(buffer.getByte(i) & 0xFF);
        }
        return new String(chars);
    }

    /**
     * @param buffer holding the bytes.
     * @param offset of the first byte.
     * @param length field length.
     * @return a copy of the bytes.
     */
    public static byte[] bytes(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return bytes;
    }

    /**
     * Writes an AE title padded with spaces to 16 bytes.
     *
     * @param buffer  to write into.
     * @param offset  of the field.
     * @param aeTitle 1-16 characters.
     */
    public static void putAeTitle(final MutableDirectBuffer buffer, final int offset, final String aeTitle)
    {
        final int n = aeTitle.length();
        for (int i = 0; i < PduDescriptor.AE_TITLE_LENGTH; i++)
        {
            buffer.putByte(offset + i, (byte)(i < n ? aeTitle.charAt(i) : ' '));
        }
    }

    /**
     * Writes ASCII characters.
     *
     * @param buffer to write into.
     * @param offset of the first byte.
     * @param value  ASCII characters.
     * @return the number of bytes written.
     */
    public static int putAscii(final MutableDirectBuffer buffer, final int offset, final CharSequence value)
    {
        final int n = value.length();
        for (int i = 0; i < n; i++)
        {
            buffer.putByte(offset + i, (byte)value.charAt(i));
        }
        return n;
    }

    /**
     * Checks an AE title against the AE VR: 1-16 characters of ISO 646 G0 without backslash or control
     * characters, not all spaces.
     *
     * @param aeTitle the title to check.
     * @return the title without leading and trailing spaces.
     * @throws IllegalArgumentException saying what is wrong.
     */
    public static String checkAeTitle(final String aeTitle)
    {
        if (aeTitle == null)
        {
            throw new IllegalArgumentException("AE title must not be null");
        }
        final String trimmed = aeTitle.strip();
        if (trimmed.isEmpty() || trimmed.length() > PduDescriptor.AE_TITLE_LENGTH)
        {
            throw new IllegalArgumentException("AE title must have 1 to 16 significant characters: '" + aeTitle + "'");
        }
        for (int i = 0; i < trimmed.length(); i++)
        {
            final char c = trimmed.charAt(i);
            if (c < 0x20 || c > 0x7E || c == '\\')
            {
                throw new IllegalArgumentException("AE title may hold only ISO 646 characters without backslash: '" +
                    aeTitle + "'");
            }
        }
        return trimmed;
    }

    /**
     * Checks a UID against PS3.5 §9.1: 1-64 characters, digits and dots, components without leading zeros.
     *
     * @param uid the UID.
     * @return true if valid.
     */
    public static boolean isValidUid(final CharSequence uid)
    {
        final int n = uid == null ? 0 : uid.length();
        if (n == 0 || n > ItemDescriptor.MAX_UID_LENGTH)
        {
            return false;
        }
        int componentStart = 0;
        for (int i = 0; i <= n; i++)
        {
            if (i == n || uid.charAt(i) == '.')
            {
                final int len = i - componentStart;
                if (len == 0 || (len > 1 && uid.charAt(componentStart) == '0'))
                {
                    return false;
                }
                componentStart = i + 1;
            }
            else if (uid.charAt(i) < '0' || uid.charAt(i) > '9')
            {
                return false;
            }
        }
        return true;
    }

    private static boolean isPad(final byte b)
    {
        return b == ' ' || b == 0;
    }
}
