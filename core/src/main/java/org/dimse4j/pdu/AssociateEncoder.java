package org.dimse4j.pdu;

import org.agrona.MutableDirectBuffer;

import static org.dimse4j.pdu.ItemDescriptor.*;
import static org.dimse4j.pdu.PduDescriptor.ASSOCIATE_RESERVED_LENGTH;
import static org.dimse4j.pdu.PduDescriptor.ASSOCIATE_RESERVED_OFFSET;
import static org.dimse4j.pdu.PduDescriptor.BYTE_ORDER;
import static org.dimse4j.pdu.PduDescriptor.CALLED_AE_TITLE_OFFSET;
import static org.dimse4j.pdu.PduDescriptor.CALLING_AE_TITLE_OFFSET;
import static org.dimse4j.pdu.PduDescriptor.PROTOCOL_VERSION_OFFSET;
import static org.dimse4j.pdu.PduDescriptor.VARIABLE_ITEMS_OFFSET;

/**
 * Writes an {@link AssociatePdu} as an A-ASSOCIATE-RQ or A-ASSOCIATE-AC, in place, back-patching each length once
 * its contents are written. Sub-items go out in ascending type order (what old receivers expect): 0x51, 0x52,
 * 0x53, 0x54, 0x55, 0x56, 0x57, 0x58/0x59.
 * <p>
 * A rejected AC context still carries one Transfer Syntax sub-item, as PS3.8 Table 9-18 asks: the first one the
 * model holds, or Implicit VR Little Endian.
 */
public final class AssociateEncoder
{
    private static final String IMPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2";

    private MutableDirectBuffer buffer;
    private int limit;

    /**
     * @param pdu    the contents.
     * @param buffer to write into; must have room (see {@link #encodedLength(AssociatePdu)}).
     * @param offset of the PDU-type byte.
     * @return the total PDU length written.
     * @throws IllegalArgumentException if an item would exceed 65535 bytes or a field is out of range.
     */
    public int encode(final AssociatePdu pdu, final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.limit = offset;
        final boolean request = pdu.isRequest();
        buffer.putByte(offset + PduDescriptor.TYPE_OFFSET, (byte)pdu.pduType());
        buffer.putByte(offset + 1, (byte)0);
        buffer.putShort(offset + PROTOCOL_VERSION_OFFSET, (short)pdu.protocolVersion(), BYTE_ORDER);
        buffer.putShort(offset + PROTOCOL_VERSION_OFFSET + 2, (short)0, BYTE_ORDER);
        PduStrings.putAeTitle(buffer, offset + CALLED_AE_TITLE_OFFSET, pdu.calledAeTitle());
        PduStrings.putAeTitle(buffer, offset + CALLING_AE_TITLE_OFFSET, pdu.callingAeTitle());
        buffer.setMemory(offset + ASSOCIATE_RESERVED_OFFSET, ASSOCIATE_RESERVED_LENGTH, (byte)0);
        limit = offset + VARIABLE_ITEMS_OFFSET;

        stringItem(APPLICATION_CONTEXT, pdu.applicationContextName());
        for (final AssociatePdu.PresentationContext pc : pdu.presentationContexts())
        {
            final int item = begin(request ? PRESENTATION_CONTEXT_RQ : PRESENTATION_CONTEXT_AC);
            buffer.putByte(limit, (byte)pc.id());
            buffer.putByte(limit + 1, (byte)0);
            buffer.putByte(limit + 2, (byte)(request ? 0 : pc.result()));
            buffer.putByte(limit + 3, (byte)0);
            limit += 4;
            if (request)
            {
                stringItem(ABSTRACT_SYNTAX, pc.abstractSyntax());
                for (final String ts : pc.transferSyntaxes())
                {
                    stringItem(TRANSFER_SYNTAX, ts);
                }
            }
            else
            {
                final String ts = pc.transferSyntax();
                stringItem(TRANSFER_SYNTAX, ts != null ? ts : IMPLICIT_VR_LITTLE_ENDIAN);
            }
            end(item);
        }
        userInformation(pdu, request);

        final int total = limit - offset;
        buffer.putInt(offset + PduDescriptor.LENGTH_OFFSET, total - PduDescriptor.HEADER_LENGTH, BYTE_ORDER);
        return total;
    }

    private void userInformation(final AssociatePdu pdu, final boolean request)
    {
        final int item = begin(USER_INFORMATION);

        final int maxLength = begin(MAXIMUM_LENGTH);
        buffer.putInt(limit, (int)pdu.maxLength(), BYTE_ORDER);
        limit += 4;
        end(maxLength);

        if (pdu.implementationClassUid() != null)
        {
            stringItem(IMPLEMENTATION_CLASS_UID, pdu.implementationClassUid());
        }
        if (pdu.hasAsyncOperationsWindow())
        {
            final int window = begin(ASYNCHRONOUS_OPERATIONS_WINDOW);
            buffer.putShort(limit, (short)pdu.maxOperationsInvoked(), BYTE_ORDER);
            buffer.putShort(limit + 2, (short)pdu.maxOperationsPerformed(), BYTE_ORDER);
            limit += 4;
            end(window);
        }
        for (final AssociatePdu.RoleSelection rs : pdu.roleSelections())
        {
            final int sub = begin(ROLE_SELECTION);
            prefixed(rs.sopClassUid());
            buffer.putByte(limit++, (byte)(rs.scu() ? 1 : 0));
            buffer.putByte(limit++, (byte)(rs.scp() ? 1 : 0));
            end(sub);
        }
        if (pdu.implementationVersionName() != null)
        {
            stringItem(IMPLEMENTATION_VERSION_NAME, pdu.implementationVersionName());
        }
        for (final AssociatePdu.ExtendedNegotiation en : pdu.extendedNegotiations())
        {
            final int sub = begin(SOP_CLASS_EXTENDED_NEGOTIATION);
            prefixed(en.sopClassUid());
            buffer.putBytes(limit, en.info());
            limit += en.info().length;
            end(sub);
        }
        if (request)
        {
            for (final AssociatePdu.CommonExtendedNegotiation cen : pdu.commonExtendedNegotiations())
            {
                final int sub = begin(SOP_CLASS_COMMON_EXTENDED_NEGOTIATION);
                prefixed(cen.sopClassUid());
                prefixed(cen.serviceClassUid());
                final int related = limit;
                limit += 2;
                for (final String uid : cen.relatedGeneralSopClasses())
                {
                    prefixed(uid);
                }
                putLength16(related, limit - related - 2);
                end(sub);
            }
            final AssociatePdu.UserIdentity identity = pdu.userIdentity();
            if (identity != null)
            {
                final int sub = begin(USER_IDENTITY_RQ);
                buffer.putByte(limit++, (byte)identity.type());
                buffer.putByte(limit++, (byte)(identity.positiveResponseRequested() ? 1 : 0));
                prefixed(identity.primaryField());
                prefixed(identity.secondaryField());
                end(sub);
            }
        }
        else if (pdu.userIdentityServerResponse() != null)
        {
            final int sub = begin(USER_IDENTITY_AC);
            prefixed(pdu.userIdentityServerResponse());
            end(sub);
        }
        end(item);
    }

    /**
     * @param pdu the contents.
     * @return the exact number of bytes {@link #encode} will write.
     */
    public static int encodedLength(final AssociatePdu pdu)
    {
        final boolean request = pdu.isRequest();
        int length = VARIABLE_ITEMS_OFFSET;
        length += ItemDescriptor.HEADER_LENGTH + pdu.applicationContextName().length();
        for (final AssociatePdu.PresentationContext pc : pdu.presentationContexts())
        {
            length += ItemDescriptor.HEADER_LENGTH + 4;
            if (request)
            {
                length += ItemDescriptor.HEADER_LENGTH + pc.abstractSyntax().length();
                for (final String ts : pc.transferSyntaxes())
                {
                    length += ItemDescriptor.HEADER_LENGTH + ts.length();
                }
            }
            else
            {
                final String ts = pc.transferSyntax();
                length += ItemDescriptor.HEADER_LENGTH + (ts != null ? ts : IMPLICIT_VR_LITTLE_ENDIAN).length();
            }
        }
        return length + ItemDescriptor.HEADER_LENGTH + userInformationLength(pdu);
    }

    /**
     * @param pdu the contents.
     * @return the length of the User Information item's value as {@link #encode} writes it (its sub-items); the PDU
     * encodes only while this is at most 65535.
     */
    public static int userInformationLength(final AssociatePdu pdu)
    {
        final boolean request = pdu.isRequest();
        int length = 8;
        if (pdu.implementationClassUid() != null)
        {
            length += ItemDescriptor.HEADER_LENGTH + pdu.implementationClassUid().length();
        }
        if (pdu.hasAsyncOperationsWindow())
        {
            length += 8;
        }
        for (final AssociatePdu.RoleSelection rs : pdu.roleSelections())
        {
            length += ItemDescriptor.HEADER_LENGTH + 4 + rs.sopClassUid().length();
        }
        if (pdu.implementationVersionName() != null)
        {
            length += ItemDescriptor.HEADER_LENGTH + pdu.implementationVersionName().length();
        }
        for (final AssociatePdu.ExtendedNegotiation en : pdu.extendedNegotiations())
        {
            length += ItemDescriptor.HEADER_LENGTH + 2 + en.sopClassUid().length() + en.info().length;
        }
        if (request)
        {
            for (final AssociatePdu.CommonExtendedNegotiation cen : pdu.commonExtendedNegotiations())
            {
                length += ItemDescriptor.HEADER_LENGTH + 6 + cen.sopClassUid().length() +
                    cen.serviceClassUid().length();
                for (final String uid : cen.relatedGeneralSopClasses())
                {
                    length += 2 + uid.length();
                }
            }
            if (pdu.userIdentity() != null)
            {
                length += ItemDescriptor.HEADER_LENGTH + 6 + pdu.userIdentity().primaryField().length +
                    pdu.userIdentity().secondaryField().length;
            }
        }
        else if (pdu.userIdentityServerResponse() != null)
        {
            length += ItemDescriptor.HEADER_LENGTH + 2 + pdu.userIdentityServerResponse().length;
        }
        return length;
    }

    private int begin(final int type)
    {
        final int start = limit;
        buffer.putByte(limit, (byte)type);
        buffer.putByte(limit + 1, (byte)0);
        limit += ItemDescriptor.HEADER_LENGTH;
        return start;
    }

    private void end(final int start)
    {
        final int length = limit - start - ItemDescriptor.HEADER_LENGTH;
        if (length > MAX_ITEM_LENGTH)
        {
            throw new IllegalArgumentException(
                ItemDescriptor.name(buffer.getByte(start) & 0xFF) + " would be " + length + " bytes long (max 65535)");
        }
        buffer.putShort(start + ItemDescriptor.LENGTH_OFFSET, (short)length, BYTE_ORDER);
    }

    private void stringItem(final int type, final String value)
    {
        final int start = begin(type);
        limit += PduStrings.putAscii(buffer, limit, value);
        end(start);
    }

    private void prefixed(final String value)
    {
        putLength16(limit, value.length());
        limit += 2;
        limit += PduStrings.putAscii(buffer, limit, value);
    }

    private void prefixed(final byte[] value)
    {
        putLength16(limit, value.length);
        limit += 2;
        buffer.putBytes(limit, value);
        limit += value.length;
    }

    private void putLength16(final int at, final int length)
    {
        if (length > MAX_ITEM_LENGTH)
        {
            throw new IllegalArgumentException("field of " + length + " bytes does not fit a 2-byte length");
        }
        buffer.putShort(at, (short)length, BYTE_ORDER);
    }
}
