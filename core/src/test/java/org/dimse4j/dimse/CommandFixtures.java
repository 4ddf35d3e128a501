package org.dimse4j.dimse;

import static org.dimse4j.dimse.CommandElement.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Typical command sets for all 23 message types as (tag, value) lists, and generic encode / check helpers.
 * Values: {@link Integer} for US, {@link String} for UI/AE/LO, {@code int[]} for AT.
 */
final class CommandFixtures
{
    static final String CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2";
    static final String SOP_INSTANCE = "1.2.826.0.1.3680043.2.1125.1.123456789";
    static final String STUDY_ROOT_FIND = "1.2.840.10008.5.1.4.1.2.2.1";
    static final String STUDY_ROOT_MOVE = "1.2.840.10008.5.1.4.1.2.2.2";
    static final String STUDY_ROOT_GET = "1.2.840.10008.5.1.4.1.2.2.3";
    static final String STORAGE_COMMITMENT = "1.2.840.10008.1.20.1";
    static final String STORAGE_COMMITMENT_INSTANCE = "1.2.840.10008.1.20.1.1";
    static final String MPPS = "1.2.840.10008.3.1.2.3.3";
    static final String PRINTER = "1.2.840.10008.5.1.1.16";
    static final String PRINTER_INSTANCE = "1.2.840.10008.5.1.1.17";
    static final String FILM_SESSION = "1.2.840.10008.5.1.1.1";

    /** One element of a fixture. */
    record Field(int tag, Object value)
    {
    }

    private CommandFixtures()
    {
    }

    static List<Field> typical(final MessageType type)
    {
        final List<Field> f = new ArrayList<>();
        final int cf = type.commandField();
        switch (type)
        {
            case C_STORE_RQ -> add(f, AFFECTED_SOP_CLASS_UID, CT_IMAGE_STORAGE, COMMAND_FIELD, cf, MESSAGE_ID, 7,
                PRIORITY, PRIORITY_HIGH, COMMAND_DATA_SET_TYPE, DATA_SET_TYPE_PRESENT,
                AFFECTED_SOP_INSTANCE_UID, SOP_INSTANCE, MOVE_ORIGINATOR_AE_TITLE, "MOVESCU",
                MOVE_ORIGINATOR_MESSAGE_ID, 42);
            case C_STORE_RSP -> add(f, AFFECTED_SOP_CLASS_UID, CT_IMAGE_STORAGE, COMMAND_FIELD, cf,
                MESSAGE_ID_BEING_RESPONDED_TO, 7, COMMAND_DATA_SET_TYPE, DATA_SET_TYPE_NONE, STATUS, 0xB000,
                OFFENDING_ELEMENT, new int[] {0x0010_0010, 0x0010_0020}, ERROR_COMMENT, "Coerced patient name",
                AFFECTED_SOP_INSTANCE_UID, SOP_INSTANCE);
            case C_GET_RQ -> add(f, AFFECTED_SOP_CLASS_UID, STUDY_ROOT_GET, COMMAND_FIELD, cf, MESSAGE_ID, 8,
                PRIORITY, PRIORITY_MEDIUM, COMMAND_DATA_SET_TYPE, DATA_SET_TYPE_PRESENT);
            case C_GET_RSP -> add(f, AFFECTED_SOP_CLASS_UID, STUDY_ROOT_GET, COMMAND_FIELD, cf,
                MESSAGE_ID_BEING_RESPONDED_TO, 8, COMMAND_DATA_SET_TYPE, DATA_SET_TYPE_NONE, STATUS, 0xFF00,
                NUMBER_OF_REMAINING_SUB_OPERATIONS, 5, NUMBER_OF_COMPLETED_SUB_OPERATIONS, 3,
                NUMBER_OF_FAILED_SUB_OPERATIONS, 1, NUMBER_OF_WARNING_SUB_OPERATIONS, 0);
            case C_FIND_RQ -> add(f, AFFECTED_SOP_CLASS_UID, STUDY_ROOT_FIND, COMMAND_FIELD, cf, MESSAGE_ID, 9,
                PRIORITY, PRIORITY_LOW, COMMAND_DATA_SET_TYPE, 0x0102);
            case C_FIND_RSP -> add(f, AFFECTED_SOP_CLASS_UID, STUDY_ROOT_FIND, COMMAND_FIELD, cf,
                MESSAGE_ID_BEING_RESPONDED_TO, 9, COMMAND_DATA_SET_TYPE, DATA_SET_TYPE_PRESENT, STATUS, 0xFF01);
            case C_MOVE_RQ -> add(f, AFFECTED_SOP_CLASS_UID, STUDY_ROOT_MOVE, COMMAND_FIELD, cf, MESSAGE_ID, 10,
                MOVE_DESTINATION, "STORESCP", PRIORITY, PRIORITY_MEDIUM, COMMAND_DATA_SET_TYPE,
                DATA_SET_TYPE_PRESENT);
            case C_MOVE_RSP -> add(f, AFFECTED_SOP_CLASS_UID, STUDY_ROOT_MOVE, COMMAND_FIELD, cf,
                MESSAGE_ID_BEING_RESPONDED_TO, 10, COMMAND_DATA_SET_TYPE, DATA_SET_TYPE_PRESENT, STATUS, 0xB000,
                ERROR_COMMENT, "2 sub-operations failed", NUMBER_OF_COMPLETED_SUB_OPERATIONS, 3,
                NUMBER_OF_FAILED_SUB_OPERATIONS, 2, NUMBER_OF_WARNING_SUB_OPERATIONS, 0);
            case C_ECHO_RQ -> add(f, AFFECTED_SOP_CLASS_UID, CommandEncoder.VERIFICATION_SOP_CLASS_UID,
                COMMAND_FIELD, cf, MESSAGE_ID, 1, COMMAND_DATA_SET_TYPE, DATA_SET_TYPE_NONE);
            case C_ECHO_RSP -> add(f, AFFECTED_SOP_CLASS_UID, CommandEncoder.VERIFICATION_SOP_CLASS_UID,
                COMMAND_FIELD, cf, MESSAGE_ID_BEING_RESPONDED_TO, 1, COMMAND_DATA_SET_TYPE, DATA_SET_TYPE_NONE,
                STATUS, 0);
            case N_EVENT_REPORT_RQ -> add(f, AFFECTED_SOP_CLASS_UID, STORAGE_COMMITMENT, COMMAND_FIELD, cf,
                MESSAGE_ID, 11, COMMAND_DATA_SET_TYPE, DATA_SET_TYPE_PRESENT,
                AFFECTED_SOP_INSTANCE_UID, STORAGE_COMMITMENT_INSTANCE, EVENT_TYPE_ID, 1);
            case N_EVENT_REPORT_RSP -> add(f, AFFECTED_SOP_CLASS_UID, STORAGE_COMMITMENT, COMMAND_FIELD, cf,
                MESSAGE_ID_BEING_RESPONDED_TO, 11, COMMAND_DATA_SET_TYPE, DATA_SET_TYPE_NONE, STATUS, 0,
                AFFECTED_SOP_INSTANCE_UID, STORAGE_COMMITMENT_INSTANCE, EVENT_TYPE_ID, 1);
            case N_GET_RQ -> add(f, REQUESTED_SOP_CLASS_UID, PRINTER, COMMAND_FIELD, cf, MESSAGE_ID, 12,
                COMMAND_DATA_SET_TYPE, DATA_SET_TYPE_NONE, REQUESTED_SOP_INSTANCE_UID, PRINTER_INSTANCE,
                ATTRIBUTE_IDENTIFIER_LIST, new int[] {0x2110_0010, 0x2110_0020});
            case N_GET_RSP -> add(f, AFFECTED_SOP_CLASS_UID, PRINTER, COMMAND_FIELD, cf,
                MESSAGE_ID_BEING_RESPONDED_TO, 12, COMMAND_DATA_SET_TYPE, DATA_SET_TYPE_PRESENT, STATUS, 0x0107,
                AFFECTED_SOP_INSTANCE_UID, PRINTER_INSTANCE, ATTRIBUTE_IDENTIFIER_LIST, new int[] {0x2110_0030});
            case N_SET_RQ -> add(f, REQUESTED_SOP_CLASS_UID, MPPS, COMMAND_FIELD, cf, MESSAGE_ID, 13,
                COMMAND_DATA_SET_TYPE, DATA_SET_TYPE_PRESENT, REQUESTED_SOP_INSTANCE_UID, "1.2.3.4.99");
            case N_SET_RSP -> add(f, AFFECTED_SOP_CLASS_UID, MPPS, COMMAND_FIELD, cf,
                MESSAGE_ID_BEING_RESPONDED_TO, 13, COMMAND_DATA_SET_TYPE, DATA_SET_TYPE_NONE, STATUS, 0x0110,
                ERROR_COMMENT, "PPS may no longer be updated", ERROR_ID, 0xA710,
                AFFECTED_SOP_INSTANCE_UID, "1.2.3.4.99");
            case N_ACTION_RQ -> add(f, REQUESTED_SOP_CLASS_UID, STORAGE_COMMITMENT, COMMAND_FIELD, cf,
                MESSAGE_ID, 14, COMMAND_DATA_SET_TYPE, DATA_SET_TYPE_PRESENT,
                REQUESTED_SOP_INSTANCE_UID, STORAGE_COMMITMENT_INSTANCE, ACTION_TYPE_ID, 1);
            case N_ACTION_RSP -> add(f, AFFECTED_SOP_CLASS_UID, STORAGE_COMMITMENT, COMMAND_FIELD, cf,
                MESSAGE_ID_BEING_RESPONDED_TO, 14, COMMAND_DATA_SET_TYPE, DATA_SET_TYPE_NONE, STATUS, 0,
                AFFECTED_SOP_INSTANCE_UID, STORAGE_COMMITMENT_INSTANCE, ACTION_TYPE_ID, 1);
            case N_CREATE_RQ -> add(f, AFFECTED_SOP_CLASS_UID, MPPS, COMMAND_FIELD, cf, MESSAGE_ID, 15,
                COMMAND_DATA_SET_TYPE, DATA_SET_TYPE_PRESENT, AFFECTED_SOP_INSTANCE_UID, "1.2.3.4.100");
            case N_CREATE_RSP -> add(f, AFFECTED_SOP_CLASS_UID, MPPS, COMMAND_FIELD, cf,
                MESSAGE_ID_BEING_RESPONDED_TO, 15, COMMAND_DATA_SET_TYPE, DATA_SET_TYPE_NONE, STATUS, 0,
                AFFECTED_SOP_INSTANCE_UID, "1.2.3.4.100");
            case N_DELETE_RQ -> add(f, REQUESTED_SOP_CLASS_UID, FILM_SESSION, COMMAND_FIELD, cf, MESSAGE_ID, 16,
                COMMAND_DATA_SET_TYPE, DATA_SET_TYPE_NONE, REQUESTED_SOP_INSTANCE_UID, "1.2.3.4.5");
            case N_DELETE_RSP -> add(f, AFFECTED_SOP_CLASS_UID, FILM_SESSION, COMMAND_FIELD, cf,
                MESSAGE_ID_BEING_RESPONDED_TO, 16, COMMAND_DATA_SET_TYPE, DATA_SET_TYPE_NONE, STATUS, 0x0112,
                AFFECTED_SOP_INSTANCE_UID, "1.2.3.4.5");
            case C_CANCEL_RQ -> add(f, COMMAND_FIELD, cf, MESSAGE_ID_BEING_RESPONDED_TO, 9,
                COMMAND_DATA_SET_TYPE, DATA_SET_TYPE_NONE);
            default -> throw new IllegalArgumentException(type.toString());
        }
        return f;
    }

    private static void add(final List<Field> fields, final Object... tagValuePairs)
    {
        for (int i = 0; i < tagValuePairs.length; i += 2)
        {
            fields.add(new Field((Integer)tagValuePairs[i], tagValuePairs[i + 1]));
        }
    }

    static int encode(final CommandEncoder encoder, final MutableDirectBuffer buffer, final int offset,
        final List<Field> fields)
    {
        encoder.wrap(buffer, offset);
        for (final Field field : fields)
        {
            switch (CommandElement.vr(field.tag()))
            {
                case VR_US -> encoder.putUS(field.tag(), (Integer)field.value());
                case VR_UI -> encoder.putUid(field.tag(), (String)field.value());
                case VR_AE -> encoder.putAE(field.tag(), (String)field.value());
                case VR_LO -> encoder.putString(field.tag(), (String)field.value());
                case VR_AT -> encoder.putAT(field.tag(), (int[])field.value());
                default -> throw new IllegalArgumentException(CommandElement.name(field.tag()));
            }
        }
        return encoder.encodedLength();
    }

    static byte[] encode(final List<Field> fields)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
        final int length = encode(new CommandEncoder(), buffer, 0, fields);
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        return bytes;
    }

    /** Re-encodes what a decoder holds, copying values from its buffer. */
    static int reencode(final CommandDecoder decoder, final CommandEncoder encoder, final MutableDirectBuffer buffer)
    {
        encoder.wrap(buffer, 0);
        for (int i = 1; i < CommandElement.COUNT; i++)
        {
            final int tag = CommandElement.tagAt(i);
            if (!decoder.contains(tag))
            {
                continue;
            }
            switch (CommandElement.vr(tag))
            {
                case VR_US -> encoder.putUS(tag, decoder.us(tag));
                case VR_UI -> encoder.putUid(tag, decoder.buffer(), decoder.valueOffset(tag),
                    decoder.valueLength(tag));
                case VR_AE -> encoder.putAE(tag, decoder.buffer(), decoder.valueOffset(tag),
                    decoder.valueLength(tag));
                case VR_LO -> encoder.putString(tag, decoder.string(tag));
                case VR_AT ->
                {
                    final int[] tags = new int[decoder.atCount(tag)];
                    for (int j = 0; j < tags.length; j++)
                    {
                        tags[j] = decoder.at(tag, j);
                    }
                    encoder.putAT(tag, tags, tags.length);
                }
                default -> throw new IllegalStateException();
            }
        }
        return encoder.encodedLength();
    }

    /** Checks every field through the generic and the named accessors, and that no other element is present. */
    static void assertDecoded(final CommandDecoder decoder, final List<Field> fields)
    {
        for (int i = 1; i < CommandElement.COUNT; i++)
        {
            final int tag = CommandElement.tagAt(i);
            final Field field = fields.stream().filter(x -> x.tag() == tag).findFirst().orElse(null);
            final String what = CommandElement.name(tag);
            if (null == field)
            {
                assertFalse(decoder.contains(tag), what);
                assertEquals(-1, decoder.valueOffset(tag), what);
                assertEquals(-1, decoder.valueLength(tag), what);
                continue;
            }
            assertTrue(decoder.contains(tag), what);
            final Object expected = field.value();
            switch (CommandElement.vr(tag))
            {
                case VR_US ->
                {
                    assertEquals(expected, decoder.us(tag), what);
                    assertEquals(expected, named(decoder, tag), what);
                }
                case VR_UI, VR_AE, VR_LO ->
                {
                    final String s = (String)expected;
                    assertEquals(s, decoder.string(tag), what);
                    assertEquals(s.length(), decoder.uidLength(tag), what);
                    assertEquals(s.length() + (s.length() & 1), decoder.valueLength(tag), what);
                    assertTrue(decoder.uidEquals(tag, s), what);
                    final UnsafeBuffer other = new UnsafeBuffer(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    assertTrue(decoder.uidEquals(tag, other, 0, s.length()), what);
                    final UnsafeBuffer copy = new UnsafeBuffer(new byte[80]);
                    assertEquals(s.length(), decoder.copyUid(tag, copy, 3), what);
                    assertEquals(s, copy.getStringWithoutLengthAscii(3, s.length()), what);
                    assertEquals(s, decoder.wrapValue(tag, new org.agrona.AsciiSequenceView()).toString(), what);
                    final Object viaName = named(decoder, tag);
                    if (null != viaName)
                    {
                        assertEquals(s, viaName, what);
                    }
                }
                case VR_AT ->
                {
                    final int[] tags = (int[])expected;
                    final int[] actual = new int[decoder.atCount(tag)];
                    for (int j = 0; j < actual.length; j++)
                    {
                        actual[j] = decoder.at(tag, j);
                    }
                    assertArrayEquals(tags, actual, what);
                }
                default -> throw new IllegalStateException(what);
            }
        }
        final Field dataSetType = fields.stream().filter(x -> x.tag() == COMMAND_DATA_SET_TYPE).findFirst()
            .orElseThrow();
        assertEquals(!dataSetType.value().equals(DATA_SET_TYPE_NONE), decoder.hasDataSet());
    }

    private static Object named(final CommandDecoder d, final int tag)
    {
        return switch (tag)
        {
            case COMMAND_FIELD -> d.commandField();
            case MESSAGE_ID -> d.messageId();
            case MESSAGE_ID_BEING_RESPONDED_TO -> d.messageIdBeingRespondedTo();
            case PRIORITY -> d.priority();
            case COMMAND_DATA_SET_TYPE -> d.commandDataSetType();
            case STATUS -> d.status();
            case ERROR_ID -> d.errorId();
            case EVENT_TYPE_ID -> d.eventTypeId();
            case ACTION_TYPE_ID -> d.actionTypeId();
            case NUMBER_OF_REMAINING_SUB_OPERATIONS -> d.remainingSubOperations();
            case NUMBER_OF_COMPLETED_SUB_OPERATIONS -> d.completedSubOperations();
            case NUMBER_OF_FAILED_SUB_OPERATIONS -> d.failedSubOperations();
            case NUMBER_OF_WARNING_SUB_OPERATIONS -> d.warningSubOperations();
            case MOVE_ORIGINATOR_MESSAGE_ID -> d.moveOriginatorMessageId();
            case AFFECTED_SOP_CLASS_UID -> d.affectedSopClassUid();
            case AFFECTED_SOP_INSTANCE_UID -> d.affectedSopInstanceUid();
            case REQUESTED_SOP_CLASS_UID -> d.requestedSopClassUid();
            case REQUESTED_SOP_INSTANCE_UID -> d.requestedSopInstanceUid();
            case MOVE_DESTINATION -> d.moveDestination();
            case MOVE_ORIGINATOR_AE_TITLE -> d.moveOriginatorAeTitle();
            case ERROR_COMMENT -> d.errorComment();
            default -> null;
        };
    }

    static byte[] hex(final String hex)
    {
        final String clean = hex.replaceAll("[^0-9a-fA-F]", "");
        final byte[] bytes = new byte[clean.length() / 2];
        for (int i = 0; i < bytes.length; i++)
        {
            bytes[i] = (byte)Integer.parseInt(clean.substring(2 * i, 2 * i + 2), 16);
        }
        return bytes;
    }
}
