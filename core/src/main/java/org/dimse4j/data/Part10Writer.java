package org.dimse4j.data;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

import org.agrona.MutableDirectBuffer;
import org.dimse4j.ul.Implementation;

/**
 * Writes the head of a DICOM Part 10 file (PS3.10 §7.1) in front of data set bytes: the 128-byte zero preamble,
 * "DICM", and the File Meta Information in Explicit VR Little Endian:
 * <pre>
 *  offset  element                                       VR  header  value
 *  0       preamble, 128 zero bytes
 *  128     "DICM"
 *  132     (0002,0000) File Meta Information Group Length UL  8       bytes after this element
 *  144     (0002,0001) File Meta Information Version      OB  12      00 01
 *  158     (0002,0002) Media Storage SOP Class UID        UI  8       padded with NUL to even length
 *          (0002,0003) Media Storage SOP Instance UID     UI  8       padded with NUL
 *          (0002,0010) Transfer Syntax UID                UI  8       padded with NUL
 *          (0002,0012) Implementation Class UID           UI  8       {@link Implementation#CLASS_UID}
 *          (0002,0013) Implementation Version Name        SH  8       {@link Implementation#VERSION_NAME}, space
 *          (0002,0016) Source Application Entity Title    AE  8       padded with space; left out if null or empty
 * </pre>
 * Allocation-free: the values are read from the {@link CharSequence}s given, character by character. Arguments are
 * checked before anything is written: UIDs are 1 to 64 characters of digits and dots, the AE title at most 16
 * printable ASCII characters without backslash; a bad argument throws {@link IllegalArgumentException}.
 */
public final class Part10Writer
{
    private static final int MAX_UID_LENGTH = 64;
    private static final int MAX_AE_LENGTH = 16;
    private static final int SHORT_HEADER = 8;
    private static final int GROUP_LENGTH_ELEMENT = 12;
    private static final int VERSION_ELEMENT = 14;

    private Part10Writer()
    {
    }

    /**
     * @param sopClassUid       Media Storage SOP Class UID.
     * @param sopInstanceUid    Media Storage SOP Instance UID.
     * @param transferSyntaxUid Transfer Syntax UID of the data set that follows.
     * @param sourceAeTitle     Source Application Entity Title, or null / empty to leave (0002,0016) out.
     * @return how many bytes {@link #writeMeta} writes for these values: where the data set starts.
     * @throws IllegalArgumentException if a value is not valid for its VR.
     */
    public static int metaLength(
        final CharSequence sopClassUid,
        final CharSequence sopInstanceUid,
        final CharSequence transferSyntaxUid,
        final CharSequence sourceAeTitle)
    {
        checkUid("SOP Class UID", sopClassUid);
        checkUid("SOP Instance UID", sopInstanceUid);
        checkUid("Transfer Syntax UID", transferSyntaxUid);
        checkAeTitle(sourceAeTitle);
        return Part10Reader.META_OFFSET + GROUP_LENGTH_ELEMENT + groupLength(sopClassUid, sopInstanceUid,
            transferSyntaxUid, sourceAeTitle);
    }

    /**
     * Writes preamble, "DICM" and the File Meta Information at {@code offset}; the data set goes right after.
     *
     * @param dst               where to write.
     * @param offset            where the file starts in {@code dst}.
     * @param sopClassUid       Media Storage SOP Class UID.
     * @param sopInstanceUid    Media Storage SOP Instance UID.
     * @param transferSyntaxUid Transfer Syntax UID of the data set that follows.
     * @param sourceAeTitle     Source Application Entity Title, or null / empty to leave (0002,0016) out.
     * @return the number of bytes written, as {@link #metaLength} computes.
     * @throws IllegalArgumentException if a value is not valid for its VR, or {@code dst} has no room.
     */
    public static int writeMeta(
        final MutableDirectBuffer dst,
        final int offset,
        final CharSequence sopClassUid,
        final CharSequence sopInstanceUid,
        final CharSequence transferSyntaxUid,
        final CharSequence sourceAeTitle)
    {
        final int total = metaLength(sopClassUid, sopInstanceUid, transferSyntaxUid, sourceAeTitle);
        if (offset < 0 || offset > dst.capacity() - total)
        {
            throw new IllegalArgumentException("File Meta Information needs " + total + " bytes at offset " + offset +
                ", the buffer has " + dst.capacity());
        }
        dst.setMemory(offset, Part10Reader.PREAMBLE_LENGTH, (byte)0);
        int p = offset + Part10Reader.PREAMBLE_LENGTH;
        dst.putByte(p, (byte)'D');
        dst.putByte(p + 1, (byte)'I');
        dst.putByte(p + 2, (byte)'C');
        dst.putByte(p + 3, (byte)'M');
        p += 4;
        p = header(dst, p, Part10Reader.FILE_META_INFORMATION_GROUP_LENGTH, ValueRepresentation.UL, 4);
        dst.putInt(p, total - Part10Reader.META_OFFSET - GROUP_LENGTH_ELEMENT, LITTLE_ENDIAN);
        p += 4;
        dst.putShort(p, (short)0x0002, LITTLE_ENDIAN);
        dst.putShort(p + 2, (short)0x0001, LITTLE_ENDIAN);
        dst.putByte(p + 4, (byte)'O');
        dst.putByte(p + 5, (byte)'B');
        dst.putShort(p + 6, (short)0, LITTLE_ENDIAN);
        dst.putInt(p + 8, 2, LITTLE_ENDIAN);
        dst.putByte(p + 12, (byte)0);
        dst.putByte(p + 13, (byte)1);
        p += VERSION_ELEMENT;
        p = text(dst, p, Part10Reader.MEDIA_STORAGE_SOP_CLASS_UID, ValueRepresentation.UI, sopClassUid, (byte)0);
        p = text(dst, p, Part10Reader.MEDIA_STORAGE_SOP_INSTANCE_UID, ValueRepresentation.UI, sopInstanceUid,
            (byte)0);
        p = text(dst, p, Part10Reader.TRANSFER_SYNTAX_UID, ValueRepresentation.UI, transferSyntaxUid, (byte)0);
        p = text(dst, p, Part10Reader.IMPLEMENTATION_CLASS_UID, ValueRepresentation.UI, Implementation.CLASS_UID,
            (byte)0);
        p = text(dst, p, Part10Reader.IMPLEMENTATION_VERSION_NAME, ValueRepresentation.SH,
            Implementation.VERSION_NAME, (byte)' ');
        if (null != sourceAeTitle && sourceAeTitle.length() > 0)
        {
            p = text(dst, p, Part10Reader.SOURCE_APPLICATION_ENTITY_TITLE, ValueRepresentation.AE, sourceAeTitle,
                (byte)' ');
        }
        return p - offset;
    }

    private static int groupLength(
        final CharSequence sopClassUid,
        final CharSequence sopInstanceUid,
        final CharSequence transferSyntaxUid,
        final CharSequence sourceAeTitle)
    {
        int length = VERSION_ELEMENT + element(sopClassUid) + element(sopInstanceUid) +
            element(transferSyntaxUid) + element(Implementation.CLASS_UID) + element(Implementation.VERSION_NAME);
        if (null != sourceAeTitle && sourceAeTitle.length() > 0)
        {
            length += element(sourceAeTitle);
        }
        return length;
    }

    private static int element(final CharSequence value)
    {
        final int n = value.length();
        return SHORT_HEADER + n + (n & 1);
    }

    private static int header(final MutableDirectBuffer dst, final int p, final int tag, final int vr,
        final int length)
    {
        dst.putShort(p, (short)(tag >>> 16), LITTLE_ENDIAN);
        dst.putShort(p + 2, (short)tag, LITTLE_ENDIAN);
        dst.putByte(p + 4, (byte)(vr >>> 8));
        dst.putByte(p + 5, (byte)vr);
        dst.putShort(p + 6, (short)length, LITTLE_ENDIAN);
        return p + SHORT_HEADER;
    }

    private static int text(final MutableDirectBuffer dst, final int position, final int tag, final int vr,
        final CharSequence value, final byte pad)
    {
        final int n = value.length();
        final int padded = n + (n & 1);
        int p = header(dst, position, tag, vr, padded);
        for (int i = 0; i < n; i++)
        {
            dst.putByte(p++, (byte)value.charAt(i));
        }
        if (padded != n)
        {
            dst.putByte(p++, pad);
        }
        return p;
    }

    private static void checkUid(final String what, final CharSequence uid)
    {
        if (null == uid)
        {
            throw new IllegalArgumentException(what + " is null");
        }
        final int n = uid.length();
        if (n == 0 || n > MAX_UID_LENGTH)
        {
            throw new IllegalArgumentException(what + " must have 1 to 64 characters, has " + n);
        }
        for (int i = 0; i < n; i++)
        {
            final char c = uid.charAt(i);
            if ((c < '0' || c > '9') && c != '.')
            {
                throw new IllegalArgumentException(what + " \"" + uid + "\" has '" + c + "' at " + i +
                    ": only digits and dots are allowed");
            }
        }
    }

    private static void checkAeTitle(final CharSequence aeTitle)
    {
        if (null == aeTitle)
        {
            return;
        }
        final int n = aeTitle.length();
        if (n > MAX_AE_LENGTH)
        {
            throw new IllegalArgumentException("Source AE title \"" + aeTitle + "\" has " + n +
                " characters, at most 16 are allowed");
        }
        for (int i = 0; i < n; i++)
        {
            final char c = aeTitle.charAt(i);
            if (c < ' ' || c > '~' || c == '\\')
            {
                throw new IllegalArgumentException("Source AE title \"" + aeTitle + "\" has a character not " +
                    "allowed in an AE title at " + i);
            }
        }
    }
}
