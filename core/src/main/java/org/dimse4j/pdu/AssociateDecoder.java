package org.dimse4j.pdu;

import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.List;

import static org.dimse4j.pdu.AbortReason.INVALID_PDU_PARAMETER_VALUE;
import static org.dimse4j.pdu.AbortReason.UNEXPECTED_PDU_PARAMETER;
import static org.dimse4j.pdu.ItemDescriptor.*;
import static org.dimse4j.pdu.PduDescriptor.A_ASSOCIATE_AC;
import static org.dimse4j.pdu.PduDescriptor.A_ASSOCIATE_RQ;
import static org.dimse4j.pdu.PduDescriptor.AE_TITLE_LENGTH;
import static org.dimse4j.pdu.PduDescriptor.BYTE_ORDER;
import static org.dimse4j.pdu.PduDescriptor.CALLED_AE_TITLE_OFFSET;
import static org.dimse4j.pdu.PduDescriptor.CALLING_AE_TITLE_OFFSET;
import static org.dimse4j.pdu.PduDescriptor.PROTOCOL_VERSION_OFFSET;
import static org.dimse4j.pdu.PduDescriptor.VARIABLE_ITEMS_OFFSET;
import static org.dimse4j.pdu.PduDescriptor.pduLength;
import static org.dimse4j.pdu.PduDescriptor.pduType;

/**
 * Decodes an A-ASSOCIATE-RQ or A-ASSOCIATE-AC in place into an {@link AssociatePdu}, checking every item and
 * sub-item length against its container before reading it.
 * <p>
 * Rules applied (PS3.8 §9.3.2-9.3.3): exactly one Application Context item, one or more Presentation Context
 * items of the PDU's kind (0x20 in an RQ, 0x21 in an AC), exactly one User Information item; items of unknown
 * type are skipped; an item of a known type that does not belong at its place is an unexpected PDU parameter.
 * The protocol version is not judged here (the acceptor tests bit 0). Received UIDs and AE titles are trimmed of
 * trailing NULs and spaces. Rejected AC contexts may carry no or a garbage transfer syntax.
 * <p>
 * Set-up is control plane: the model it fills allocates; the walk itself does not.
 */
public final class AssociateDecoder
{
    private final ItemCursor items = new ItemCursor();
    private final ItemCursor subItems = new ItemCursor();

    /**
     * @param buffer holding the PDU.
     * @param offset of the PDU-type byte.
     * @param length total PDU length as framed (header included).
     * @param out    the model to fill; cleared first.
     * @return {@code out}.
     * @throws ProtocolException when the PDU is malformed.
     */
    public AssociatePdu decode(final DirectBuffer buffer, final int offset, final int length, final AssociatePdu out)
    {
        out.clear();
        if (length < VARIABLE_ITEMS_OFFSET)
        {
            throw invalid("A-ASSOCIATE PDU of " + length + " bytes is shorter than its fixed fields");
        }
        final int type = pduType(buffer, offset);
        if (type != A_ASSOCIATE_RQ && type != A_ASSOCIATE_AC)
        {
            throw new ProtocolException(AbortReason.UNEXPECTED_PDU, PduDescriptor.name(type) + " is not an A-ASSOCIATE-RQ/AC");
        }
        if (pduLength(buffer, offset) != length - PduDescriptor.HEADER_LENGTH)
        {
            throw invalid(PduDescriptor.name(type) + " PDU-length " + pduLength(buffer, offset) + " disagrees with the " +
                length + " bytes framed");
        }
        final boolean request = type == A_ASSOCIATE_RQ;
        out.pduType(type);
        out.protocolVersion(buffer.getShort(offset + PROTOCOL_VERSION_OFFSET, BYTE_ORDER) & 0xFFFF);
        out.calledAeTitle(PduStrings.trimmed(buffer, offset + CALLED_AE_TITLE_OFFSET, AE_TITLE_LENGTH));
        out.callingAeTitle(PduStrings.trimmed(buffer, offset + CALLING_AE_TITLE_OFFSET, AE_TITLE_LENGTH));

        int applicationContexts = 0;
        int userInformation = 0;
        final String pduName = PduDescriptor.name(type);
        items.wrap(buffer, offset + VARIABLE_ITEMS_OFFSET, length - VARIABLE_ITEMS_OFFSET, pduName);
        out.applicationContextName(null);
        while (items.next())
        {
            switch (items.type())
            {
                case APPLICATION_CONTEXT:
                    applicationContexts++;
                    out.applicationContextName(uid(buffer, items, pduName));
                    break;

                case PRESENTATION_CONTEXT_RQ:
                case PRESENTATION_CONTEXT_AC:
                    if ((items.type() == PRESENTATION_CONTEXT_RQ) != request)
                    {
                        throw unexpected(name(items.type()) + " in an " + pduName);
                    }
                    out.presentationContexts().add(request ? proposedContext(buffer) : contextResult(buffer));
                    break;

                case USER_INFORMATION:
                    userInformation++;
                    userInformation(buffer, out, request);
                    break;

                case ABSTRACT_SYNTAX:
                case TRANSFER_SYNTAX:
                case MAXIMUM_LENGTH:
                case IMPLEMENTATION_CLASS_UID:
                case ASYNCHRONOUS_OPERATIONS_WINDOW:
                case ROLE_SELECTION:
                case IMPLEMENTATION_VERSION_NAME:
                case SOP_CLASS_EXTENDED_NEGOTIATION:
                case SOP_CLASS_COMMON_EXTENDED_NEGOTIATION:
                case USER_IDENTITY_RQ:
                case USER_IDENTITY_AC:
                    throw unexpected(name(items.type()) + " outside its enclosing item in an " + pduName);

                default:
                    break; // PS3.8 §9.3.1: items of unrecognized types shall be ignored and skipped
            }
        }
        if (applicationContexts != 1)
        {
            throw invalid(pduName + " has " + applicationContexts + " Application Context items, must have 1");
        }
        if (out.presentationContexts().isEmpty())
        {
            throw invalid(pduName + " has no Presentation Context item");
        }
        if (userInformation != 1)
        {
            throw invalid(pduName + " has " + userInformation + " User Information items, must have 1");
        }
        return out;
    }

    private AssociatePdu.PresentationContext proposedContext(final DirectBuffer buffer)
    {
        final int valueOffset = items.valueOffset();
        final int valueLength = items.valueLength();
        if (valueLength < CONTEXT_SUB_ITEMS_VALUE_OFFSET)
        {
            throw invalid("Presentation Context item (RQ) of length " + valueLength + " is too short");
        }
        final int id = buffer.getByte(valueOffset + CONTEXT_ID_VALUE_OFFSET) & 0xFF;
        final String where = "Presentation Context item " + id;
        String abstractSyntax = null;
        final List<String> transferSyntaxes = new ArrayList<>(4);
        subItems.wrap(buffer, valueOffset + CONTEXT_SUB_ITEMS_VALUE_OFFSET,
            valueLength - CONTEXT_SUB_ITEMS_VALUE_OFFSET, where);
        while (subItems.next())
        {
            if (subItems.type() == ABSTRACT_SYNTAX)
            {
                if (abstractSyntax != null || !transferSyntaxes.isEmpty())
                {
                    throw unexpected(where + ": Abstract Syntax sub-item out of place");
                }
                abstractSyntax = uid(buffer, subItems, where);
            }
            else if (subItems.type() == TRANSFER_SYNTAX)
            {
                if (abstractSyntax == null)
                {
                    throw unexpected(where + ": Transfer Syntax sub-item before the Abstract Syntax sub-item");
                }
                transferSyntaxes.add(uid(buffer, subItems, where));
            }
            else
            {
                throw unexpected(where + ": " + name(subItems.type()) + " does not belong in it");
            }
        }
        if (abstractSyntax == null || transferSyntaxes.isEmpty())
        {
            throw invalid(where + " needs one Abstract Syntax and one or more Transfer Syntax sub-items");
        }
        return new AssociatePdu.PresentationContext(id, abstractSyntax, transferSyntaxes,
            AssociatePdu.PresentationContext.ACCEPTANCE);
    }

    private AssociatePdu.PresentationContext contextResult(final DirectBuffer buffer)
    {
        final int valueOffset = items.valueOffset();
        final int valueLength = items.valueLength();
        if (valueLength < CONTEXT_SUB_ITEMS_VALUE_OFFSET)
        {
            throw invalid("Presentation Context item (AC) of length " + valueLength + " is too short");
        }
        final int id = buffer.getByte(valueOffset + CONTEXT_ID_VALUE_OFFSET) & 0xFF;
        final int result = buffer.getByte(valueOffset + CONTEXT_RESULT_VALUE_OFFSET) & 0xFF;
        final String where = "Presentation Context item " + id;
        String transferSyntax = null;
        subItems.wrap(buffer, valueOffset + CONTEXT_SUB_ITEMS_VALUE_OFFSET,
            valueLength - CONTEXT_SUB_ITEMS_VALUE_OFFSET, where);
        while (subItems.next())
        {
            if (subItems.type() != TRANSFER_SYNTAX)
            {
                throw unexpected(where + ": " + name(subItems.type()) + " does not belong in it");
            }
            if (result == AssociatePdu.PresentationContext.ACCEPTANCE)
            {
                if (transferSyntax != null)
                {
                    throw invalid(where + " accepts more than one transfer syntax");
                }
                transferSyntax = uid(buffer, subItems, where);
            }
        }
        if (result == AssociatePdu.PresentationContext.ACCEPTANCE && transferSyntax == null)
        {
            throw invalid(where + " is accepted without a transfer syntax");
        }
        if (result > AssociatePdu.PresentationContext.TRANSFER_SYNTAXES_NOT_SUPPORTED)
        {
            throw invalid(where + " has an undefined result " + result);
        }
        return AssociatePdu.PresentationContext.result(id, result, transferSyntax);
    }

    private void userInformation(final DirectBuffer buffer, final AssociatePdu out, final boolean request)
    {
        final String where = "User Information item";
        int maximumLengths = 0;
        subItems.wrap(buffer, items.valueOffset(), items.valueLength(), where);
        while (subItems.next())
        {
            final int vo = subItems.valueOffset();
            final int vl = subItems.valueLength();
            switch (subItems.type())
            {
                case MAXIMUM_LENGTH:
                    expectLength(vl, 4);
                    maximumLengths++;
                    out.maxLength(buffer.getInt(vo, BYTE_ORDER) & 0xFFFF_FFFFL);
                    break;

                case IMPLEMENTATION_CLASS_UID:
                    out.implementationClassUid(uid(buffer, subItems, where));
                    break;

                case ASYNCHRONOUS_OPERATIONS_WINDOW:
                    expectLength(vl, 4);
                    out.asyncOperationsWindow(
                        buffer.getShort(vo, BYTE_ORDER) & 0xFFFF, buffer.getShort(vo + 2, BYTE_ORDER) & 0xFFFF);
                    break;

                case ROLE_SELECTION:
                {
                    final int uidLength = prefixedLength(buffer, vo, vl, 2, 2);
                    if (vl != 2 + uidLength + 2)
                    {
                        throw invalid(name(ROLE_SELECTION) + " length " + vl + " disagrees with its UID length " +
                            uidLength);
                    }
                    final String uid = PduStrings.trimmed(buffer, vo + 2, uidLength);
                    out.roleSelections().add(new AssociatePdu.RoleSelection(uid,
                        buffer.getByte(vo + 2 + uidLength) != 0, buffer.getByte(vo + 3 + uidLength) != 0));
                    break;
                }

                case IMPLEMENTATION_VERSION_NAME:
                    if (vl > PduDescriptor.AE_TITLE_LENGTH)
                    {
                        throw invalid(name(IMPLEMENTATION_VERSION_NAME) + " of " + vl + " characters (max 16)");
                    }
                    out.implementationVersionName(PduStrings.trimmed(buffer, vo, vl));
                    break;

                case SOP_CLASS_EXTENDED_NEGOTIATION:
                {
                    final int uidLength = prefixedLength(buffer, vo, vl, 2, 0);
                    out.extendedNegotiations().add(new AssociatePdu.ExtendedNegotiation(
                        PduStrings.trimmed(buffer, vo + 2, uidLength),
                        PduStrings.bytes(buffer, vo + 2 + uidLength, vl - 2 - uidLength)));
                    break;
                }

                case SOP_CLASS_COMMON_EXTENDED_NEGOTIATION:
                    if (!request)
                    {
                        throw unexpected(name(SOP_CLASS_COMMON_EXTENDED_NEGOTIATION) + " in an A-ASSOCIATE-AC");
                    }
                    out.commonExtendedNegotiations().add(commonExtended(buffer, vo, vl));
                    break;

                case USER_IDENTITY_RQ:
                    if (!request)
                    {
                        throw unexpected(name(USER_IDENTITY_RQ) + " in an A-ASSOCIATE-AC");
                    }
                    out.userIdentity(userIdentity(buffer, vo, vl));
                    break;

                case USER_IDENTITY_AC:
                {
                    if (request)
                    {
                        throw unexpected(name(USER_IDENTITY_AC) + " in an A-ASSOCIATE-RQ");
                    }
                    final int r = prefixedLength(buffer, vo, vl, 2, 0);
                    if (vl != 2 + r)
                    {
                        throw invalid(name(USER_IDENTITY_AC) + " length " + vl + " disagrees with its response " +
                            "length " + r);
                    }
                    out.userIdentityServerResponse(PduStrings.bytes(buffer, vo + 2, r));
                    break;
                }

                default:
                    break; // unknown sub-items are skipped
            }
        }
        if (maximumLengths > 1)
        {
            throw invalid(where + " has " + maximumLengths + " Maximum Length sub-items");
        }
    }

    private static AssociatePdu.CommonExtendedNegotiation commonExtended(
        final DirectBuffer buffer, final int vo, final int vl)
    {
        int p = vo;
        final int end = vo + vl;
        final int sopLength = prefixedLength(buffer, p, end - p, 2, 2);
        final String sopClass = PduStrings.trimmed(buffer, p + 2, sopLength);
        p += 2 + sopLength;
        final int serviceLength = prefixedLength(buffer, p, end - p, 2, 2);
        final String serviceClass = PduStrings.trimmed(buffer, p + 2, serviceLength);
        p += 2 + serviceLength;
        final int relatedLength = prefixedLength(buffer, p, end - p, 2, 0);
        p += 2;
        final int relatedEnd = p + relatedLength;
        final List<String> related = new ArrayList<>();
        while (p < relatedEnd)
        {
            final int n = prefixedLength(buffer, p, relatedEnd - p, 2, 0);
            related.add(PduStrings.trimmed(buffer, p + 2, n));
            p += 2 + n;
        }
        return new AssociatePdu.CommonExtendedNegotiation(sopClass, serviceClass, related);
    }

    private static AssociatePdu.UserIdentity userIdentity(final DirectBuffer buffer, final int vo, final int vl)
    {
        if (vl < 6)
        {
            throw invalid(name(USER_IDENTITY_RQ) + " of length " + vl + " is too short");
        }
        final int type = buffer.getByte(vo) & 0xFF;
        if (type < AssociatePdu.UserIdentity.USERNAME || type > AssociatePdu.UserIdentity.JWT)
        {
            throw invalid(name(USER_IDENTITY_RQ) + " has an undefined type " + type);
        }
        final boolean positive = buffer.getByte(vo + 1) != 0;
        final int p = prefixedLength(buffer, vo + 2, vl - 2, 2, 2);
        final int s = prefixedLength(buffer, vo + 4 + p, vl - 4 - p, 2, 0);
        if (vl != 6 + p + s)
        {
            throw invalid(name(USER_IDENTITY_RQ) + " length " + vl + " disagrees with its fields");
        }
        return new AssociatePdu.UserIdentity(type, positive, PduStrings.bytes(buffer, vo + 4, p),
            PduStrings.bytes(buffer, vo + 6 + p, s));
    }

    /** Reads a 2-byte length at {@code offset} and checks that it, plus {@code after} bytes, fits in {@code room}. */
    private static int prefixedLength(
        final DirectBuffer buffer, final int offset, final int room, final int prefix, final int after)
    {
        if (room < prefix)
        {
            throw invalid("sub-item field length runs past its sub-item");
        }
        final int n = buffer.getShort(offset, BYTE_ORDER) & 0xFFFF;
        if (n > room - prefix - after)
        {
            throw invalid("sub-item field length " + n + " exceeds the " + (room - prefix - after) + " bytes left");
        }
        return n;
    }

    private static String uid(final DirectBuffer buffer, final ItemCursor cursor, final String where)
    {
        final int length = cursor.valueLength();
        if (length == 0 || length > MAX_UID_LENGTH + 1)
        {
            throw invalid(where + ": " + name(cursor.type()) + " has a UID of " + length + " bytes");
        }
        return PduStrings.trimmed(buffer, cursor.valueOffset(), length);
    }

    private static void expectLength(final int actual, final int expected)
    {
        if (actual != expected)
        {
            throw invalid("sub-item length " + actual + " where " + expected + " is required");
        }
    }

    private static ProtocolException invalid(final String message)
    {
        return new ProtocolException(INVALID_PDU_PARAMETER_VALUE, message);
    }

    private static ProtocolException unexpected(final String message)
    {
        return new ProtocolException(UNEXPECTED_PDU_PARAMETER, message);
    }
}
