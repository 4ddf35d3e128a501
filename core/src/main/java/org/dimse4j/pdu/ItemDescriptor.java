package org.dimse4j.pdu;

/**
 * Layout of the variable items and sub-items of A-ASSOCIATE-RQ/AC (PS3.8 §9.3.2–9.3.3, Annex D; PS3.7 Annex D).
 * <pre>
 *  +-------------+-------------+---------------------------+------------------ - -
 *  | item-type 1 | reserved 1  | item-length 2 (uint16 BE) | item-length bytes
 *  +-------------+-------------+---------------------------+------------------ - -
 * </pre>
 * Sub-item 0x57 uses the reserved byte as its sub-item version.
 * <p>
 * Presentation context item (0x20 RQ, 0x21 AC): context ID at value offset 0, result/reason at value offset 2
 * (AC only), sub-items from value offset 4. Role selection (0x54), SOP class extended (0x56) and common extended
 * (0x57) sub-items start with a 2-byte UID length.
 */
public final class ItemDescriptor
{
    /** Length of an item header: type, reserved, item-length. */
    public static final int HEADER_LENGTH = 4;
    /** Offset of the item-type byte. */
    public static final int TYPE_OFFSET = 0;
    /** Offset of the reserved byte (the sub-item version of 0x57). */
    public static final int RESERVED_OFFSET = 1;
    /** Offset of the 2-byte item-length. */
    public static final int LENGTH_OFFSET = 2;
    /** Largest value of an item-length field. */
    public static final int MAX_ITEM_LENGTH = 0xFFFF;

    /** Application Context item. */
    public static final int APPLICATION_CONTEXT = 0x10;
    /** Presentation Context item of an A-ASSOCIATE-RQ. */
    public static final int PRESENTATION_CONTEXT_RQ = 0x20;
    /** Presentation Context item of an A-ASSOCIATE-AC. */
    public static final int PRESENTATION_CONTEXT_AC = 0x21;
    /** Abstract Syntax sub-item. */
    public static final int ABSTRACT_SYNTAX = 0x30;
    /** Transfer Syntax sub-item. */
    public static final int TRANSFER_SYNTAX = 0x40;
    /** User Information item. */
    public static final int USER_INFORMATION = 0x50;
    /** Maximum Length sub-item. */
    public static final int MAXIMUM_LENGTH = 0x51;
    /** Implementation Class UID sub-item. */
    public static final int IMPLEMENTATION_CLASS_UID = 0x52;
    /** Asynchronous Operations Window sub-item. */
    public static final int ASYNCHRONOUS_OPERATIONS_WINDOW = 0x53;
    /** SCP/SCU Role Selection sub-item. */
    public static final int ROLE_SELECTION = 0x54;
    /** Implementation Version Name sub-item. */
    public static final int IMPLEMENTATION_VERSION_NAME = 0x55;
    /** SOP Class Extended Negotiation sub-item. */
    public static final int SOP_CLASS_EXTENDED_NEGOTIATION = 0x56;
    /** SOP Class Common Extended Negotiation sub-item. */
    public static final int SOP_CLASS_COMMON_EXTENDED_NEGOTIATION = 0x57;
    /** User Identity Negotiation sub-item of an A-ASSOCIATE-RQ. */
    public static final int USER_IDENTITY_RQ = 0x58;
    /** User Identity Negotiation sub-item of an A-ASSOCIATE-AC. */
    public static final int USER_IDENTITY_AC = 0x59;

    /** Presentation context item: offset of the context ID within the item value. */
    public static final int CONTEXT_ID_VALUE_OFFSET = 0;
    /** Presentation context item (AC): offset of the result/reason within the item value. */
    public static final int CONTEXT_RESULT_VALUE_OFFSET = 2;
    /** Presentation context item: offset of the first sub-item within the item value. */
    public static final int CONTEXT_SUB_ITEMS_VALUE_OFFSET = 4;

    /** Largest UID in characters (PS3.5 §9.1). */
    public static final int MAX_UID_LENGTH = 64;

    private ItemDescriptor()
    {
    }

    /**
     * @param type an item or sub-item type.
     * @return the standard's name of it, for log lines.
     */
    public static String name(final int type)
    {
        switch (type)
        {
            case APPLICATION_CONTEXT: return "Application Context item";
            case PRESENTATION_CONTEXT_RQ: return "Presentation Context item (RQ)";
            case PRESENTATION_CONTEXT_AC: return "Presentation Context item (AC)";
            case ABSTRACT_SYNTAX: return "Abstract Syntax sub-item";
            case TRANSFER_SYNTAX: return "Transfer Syntax sub-item";
            case USER_INFORMATION: return "User Information item";
            case MAXIMUM_LENGTH: return "Maximum Length sub-item";
            case IMPLEMENTATION_CLASS_UID: return "Implementation Class UID sub-item";
            case ASYNCHRONOUS_OPERATIONS_WINDOW: return "Asynchronous Operations Window sub-item";
            case ROLE_SELECTION: return "SCP/SCU Role Selection sub-item";
            case IMPLEMENTATION_VERSION_NAME: return "Implementation Version Name sub-item";
            case SOP_CLASS_EXTENDED_NEGOTIATION: return "SOP Class Extended Negotiation sub-item";
            case SOP_CLASS_COMMON_EXTENDED_NEGOTIATION: return "SOP Class Common Extended Negotiation sub-item";
            case USER_IDENTITY_RQ: return "User Identity sub-item (RQ)";
            case USER_IDENTITY_AC: return "User Identity sub-item (AC)";
            default: return "item type 0x" + Integer.toHexString(type);
        }
    }
}
